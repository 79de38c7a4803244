using Rnn.Core.Serialization;

namespace Pipelines.Speech.Data;

/// <summary>
/// A training or evaluation list: one utterance per line, <c>path&lt;TAB&gt;transcript</c>, no
/// header, UTF-8, paths relative to the manifest's folder (absolute paths are kept). Empty
/// lines are skipped. Reading checks every row and reports all bad ones together, each as
/// <c>file:line: reason</c>.
/// </summary>
/// <example>
/// <code>
/// foreach (var e in SpeechManifest.Read("data/train.tsv")) Console.WriteLine($"{e.AudioPath} {e.Transcript}");
/// </code>
/// </example>
public static class SpeechManifest
{
    /// <summary>Reads and checks a manifest file.</summary>
    /// <param name="path">The TSV file.</param>
    /// <param name="requireAudio">Also report rows whose audio file does not exist.</param>
    /// <param name="allowEmptyTranscript">Accept rows whose transcript is empty (<c>path&lt;TAB&gt;</c>):
    /// an evaluation may check that silence gives no words; training cannot learn from them.</param>
    /// <exception cref="FileNotFoundException">The manifest does not exist.</exception>
    /// <exception cref="InvalidDataException">Some rows are bad (the message lists every one), or the
    /// file is not UTF-8 text (the message names the first line that is not).</exception>
    public static IReadOnlyList<ManifestEntry> Read(string path, bool requireAudio = true,
        bool allowEmptyTranscript = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"manifest '{path}' does not exist", path);
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        return Parse(ReadTextLines(path), folder, path, requireAudio, allowEmptyTranscript);
    }

    /// <summary>Checks manifest lines; relative paths resolve against <paramref name="folder"/>.</summary>
    /// <param name="lines">The manifest's lines.</param>
    /// <param name="folder">The folder relative paths start from.</param>
    /// <param name="source">Names the manifest in errors.</param>
    /// <param name="requireAudio">Also report rows whose audio file does not exist.</param>
    /// <param name="allowEmptyTranscript">Accept rows with an empty transcript.</param>
    public static IReadOnlyList<ManifestEntry> Parse(
        IReadOnlyList<string> lines, string folder, string source = "manifest", bool requireAudio = false,
        bool allowEmptyTranscript = false)
    {
        var entries = new List<ManifestEntry>();
        var errors = new List<string>();
        for (int i = 0; i < lines.Count; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }

            // Not a bad row but a binary file: say so once instead of listing every line.
            if (line.Contains('\0'))
            {
                throw NotText(source, i + 1, "it holds NUL characters");
            }

            string? problem = ParseLine(line, folder, requireAudio, allowEmptyTranscript, i + 1, out var entry);
            if (problem is not null)
            {
                errors.Add($"{source}:{i + 1}: {problem}");
            }
            else
            {
                entries.Add(entry!);
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidDataException(
                $"{errors.Count} bad row(s) in {source} (expected 'path<TAB>transcript'):\n" +
                string.Join("\n", errors));
        }

        if (entries.Count == 0)
        {
            throw new InvalidDataException($"{source}: lists no utterances");
        }

        return entries;
    }

    // The file's lines as File.ReadAllLines splits them, after checking that the bytes are UTF-8
    // text: a binary file, a gzipped or UTF-16 manifest is refused with the first bad line.
    private static List<string> ReadTextLines(string path)
    {
        FileKind.RequireRegular(path, path);   // reading a named pipe would wait for ever

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot be read: permission denied");
        }

        var text = bytes.AsSpan();
        if (text.StartsWith("\uFEFF"u8))
        {
            text = text[3..];
        }

        int line = 1;
        for (var rest = text; !rest.IsEmpty; line++)
        {
            int end = rest.IndexOf((byte)'\n');
            var row = end < 0 ? rest : rest[..end];
            int nul = row.IndexOf((byte)0);
            if (nul >= 0)
            {
                throw NotText(path, line, $"a NUL byte at offset {bytes.Length - rest.Length + nul}; " +
                    "a binary, compressed or UTF-16 file?");
            }

            if (!System.Text.Unicode.Utf8.IsValid(row))
            {
                throw NotText(path, line, "the line is not valid UTF-8; save the file as UTF-8");
            }

            rest = end < 0 ? default : rest[(end + 1)..];
        }

        var lines = new List<string>();
        using var reader = new StringReader(System.Text.Encoding.UTF8.GetString(text));
        while (reader.ReadLine() is { } next)
        {
            lines.Add(next);
        }

        return lines;
    }

    private static InvalidDataException NotText(string source, int line, string why) =>
        new($"{source}:{line}: not a text manifest ({why}); expected UTF-8 lines of 'path<TAB>transcript'");

    private static string? ParseLine(
        string line, string folder, bool requireAudio, bool allowEmpty, int number, out ManifestEntry? entry)
    {
        entry = null;
        string[] parts = line.Split('\t');
        if (parts.Length != 2)
        {
            return parts.Length == 1
                ? $"no tab between path and transcript in '{Shorten(line)}'"
                : $"{parts.Length - 1} tabs, expected exactly 1, in '{Shorten(line)}'";
        }

        string file = parts[0].Trim(), transcript = parts[1].Trim();
        if (file.Length == 0)
        {
            return "empty audio path";
        }

        if (transcript.Length == 0 && !allowEmpty)
        {
            return $"empty transcript for '{file}'";
        }

        string full = Path.IsPathRooted(file) ? file : Path.GetFullPath(Path.Combine(folder, file));
        if (requireAudio && Directory.Exists(full))
        {
            return $"'{file}' is a folder, not an audio file";
        }

        if (requireAudio && !File.Exists(full))
        {
            return $"audio file '{file}' not found (looked at '{full}')";
        }

        entry = new ManifestEntry(full, transcript, number);
        return null;
    }

    // The row as quoted in a message: at most 60 characters, tabs shown as \t (a message about the
    // tabs in a row must show where they are; a terminal shows a tab as spaces).
    private static string Shorten(string text)
    {
        string shown = text.Length <= 60 ? text : text[..57] + "...";
        return shown.Replace("\t", "\\t", StringComparison.Ordinal);
    }
}
