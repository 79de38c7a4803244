using System.Runtime.InteropServices;
using Multimodal.Cli.Output;
using Rnn.Core.Serialization;

namespace Multimodal.Cli.Batch;

/// <summary>
/// When two input paths of a batch verb are one file. Paths are compared in canonical form: full
/// (resolved against the current folder) with every symbolic link followed, so <c>x.jpg</c>,
/// <c>./x.jpg</c>, <c>dir/../x.jpg</c> and a link to x.jpg are one file. <c>transcribe</c>,
/// <c>caption</c> and <c>video emotion</c> process such a file once, with a warning, and
/// <c>caption --out</c> recognises the files its out file already holds this way.
/// </summary>
public static class InputPaths
{
    // Linux gives up after 40 links in one lookup (ELOOP); a cycle of links stops here too.
    private const int MaxLinks = 40;

    private static readonly char[] Separators =
        [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar];

    /// <summary>
    /// The canonical form of <paramref name="path"/>, naming the file the system would open. Parts
    /// that do not exist are kept as written; an empty path, or one with a NUL in it, is returned
    /// unchanged, and one whose links loop is only made full, so each still stands for itself.
    /// </summary>
    /// <example><c>Canonical("photos/../x.jpg")</c> is <c>/home/me/x.jpg</c> when run in /home/me
    /// and photos is a folder there; when photos is a link to /data/2024/photos it is /data/2024/x.jpg.</example>
    public static string Canonical(string path)
    {
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            return path;
        }

        // Not Path.GetFullPath first: it drops "dir/.." from the text, but when dir is a link the
        // system steps up from the link's target, which may be another folder.
        string full = Path.IsPathFullyQualified(path) ? path : Path.Combine(Environment.CurrentDirectory, path);
        return FollowLinks(full) ?? Path.GetFullPath(full);
    }

    /// <summary>
    /// The files directly in <paramref name="folder"/>, unsorted; null, with the reason in
    /// <paramref name="problem"/>, when the folder cannot be listed (no permission to read it, an
    /// I/O error, gone since it was seen), so that a batch reports that folder and goes on.
    /// </summary>
    public static IReadOnlyList<string>? FilesIn(string folder, out string? problem)
    {
        try
        {
            problem = null;
            return Directory.EnumerateFiles(folder).ToList();
        }
        catch (UnauthorizedAccessException)
        {
            problem = "cannot read folder: permission denied";
        }
        catch (DirectoryNotFoundException)
        {
            problem = "cannot read folder: it no longer exists";
        }
        catch (IOException e)
        {
            problem = $"cannot read folder: {e.Message}";
        }

        return null;
    }

    /// <summary>
    /// The inputs less every one whose file an earlier input already names, in their order;
    /// <paramref name="again"/> hears of each one left out, with the earlier input. Inputs already
    /// known to be bad (<paramref name="isBad"/>: missing, a pipe, an empty folder) are compared
    /// too, and a repeat of one is left out without a word, since the first one's error line says
    /// all there is to say: "x.jpg x.jpg" with no x.jpg is one error and one failure, not two.
    /// </summary>
    public static IReadOnlyList<T> Once<T>(
        IReadOnlyList<T> inputs, Func<T, string> pathOf, Func<T, bool> isBad, Action<T, T> again)
    {
        var first = new Dictionary<string, T>(StringComparer.Ordinal);
        var kept = new List<T>(inputs.Count);
        foreach (var input in inputs)
        {
            string key = Canonical(pathOf(input));
            if (first.TryGetValue(key, out var earlier))
            {
                // Only two readable inputs earn the warning; a bad one has its error line already.
                if (!isBad(input) && !isBad(earlier))
                {
                    again(input, earlier);
                }

                continue;
            }

            first.Add(key, input);
            kept.Add(input);
        }

        return kept;
    }

    /// <summary>
    /// Why an input path that is neither a file nor a folder cannot be read: "no such file or
    /// folder", or, when one of its names or the whole path is longer than the system allows (255
    /// and 4095 bytes; <see cref="FileKind.PathTooLong"/>), that reason, which the system's own
    /// answer ("no such file") would hide.
    /// </summary>
    public static string Missing(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (FileKind.PathTooLong(path) is { } tooLong)
        {
            return tooLong;
        }

        if (FileKind.DeniedFolder(path) is { } closed)
        {
            return $"cannot be reached: permission denied on the folder {closed}";
        }

        return DanglingLink(path) ?? "no such file or folder";
    }

    // Why a symbolic link cannot be followed: its target is not there, or the links lead round in
    // a loop. File.Exists is true for such a link on Unix, so it passes for a file until a decoder
    // fails to open it with the system's words ("Too many levels of symbolic links : '...'").
    private static string? DanglingLink(string path) => FileKind.BrokenLink(path) switch
    {
        { Loops: true } link =>
            $"a link to {TerminalText.Name(link.Target)} that leads back to itself (a loop of links)",
        { } link => $"a link to {TerminalText.Name(link.Target)}, which does not exist",
        null => null,
    };

    /// <summary>
    /// Why <paramref name="path"/>, which exists as a file name, cannot be an input: a named pipe,
    /// a device, a socket, or a symbolic link to nothing. Reading a pipe with no writer waits for
    /// ever, and the decoders seek.
    /// Null for a regular file, and wherever the kind cannot be told (it is asked of the C
    /// library's stat, on Linux x64 and Arm64 only).
    /// </summary>
    public static string? NotRegular(string path)
    {
        // The kind first: stat follows links, so /dev/fd/63 of a shell's <(cmd) and /dev/stdin are
        // the pipes they lead to, although their link targets ("pipe:[569499]") name no file.
        // Then a link whose target is gone; the decoders would say "Could not find file".
        return FileKind.NotRegular(path) ?? DanglingLink(path);
    }

    /// <summary>
    /// The warning for an input left out by <see cref="Once{T}"/>, the same in every verb; it is
    /// written after the left-out input's path, so it says how each was given rather than
    /// repeating that path: "given more than once (directly and in folder examples/speech)".
    /// </summary>
    /// <param name="again">The left-out input's path.</param>
    /// <param name="againFolder">The folder argument it came from; null when given directly.</param>
    /// <param name="first">The earlier input's path.</param>
    /// <param name="firstFolder">The folder argument the earlier one came from; null when given directly.</param>
    /// <param name="doneOnce">What happened to the file, e.g. "captioned once".</param>
    public static string GivenAgain(string again, string? againFolder, string first, string? firstFolder,
        string doneOnce)
    {
        if (againFolder is null && firstFolder is null)
        {
            return first == again
                ? $"given more than once (the same path twice); {doneOnce}"
                : $"given more than once (also as {first}); {doneOnce}";
        }

        string Where(string path, string? folder) =>
            folder is not null ? $"in folder {folder}" : path == again ? "directly" : $"as {path}";
        string before = Where(first, firstFolder);
        string after = Where(again, againFolder);
        return before == after
            ? $"given more than once ({before}, twice); {doneOnce}"
            : $"given more than once ({before} and {after}); {doneOnce}";
    }

    // Walks the full path part by part from its root, replacing each link by its target (relative
    // targets are relative to the link's folder); ".." steps up from the folder reached so far, as
    // the kernel does, not from the text. Null when the links loop.
    private static string? FollowLinks(string full)
    {
        string root = Path.GetPathRoot(full) ?? "";
        var pending = new Stack<string>(Parts(full[root.Length..]).Reverse());
        string current = root;
        int links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            string next = Path.Combine(current, part);
            if (LinkTarget(next) is not { } target)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                return null;
            }

            string targetRoot = Path.GetPathRoot(target) ?? "";
            if (targetRoot.Length > 0)
            {
                current = targetRoot;
            }

            foreach (var p in Parts(target[targetRoot.Length..]).Reverse())
            {
                pending.Push(p);
            }
        }

        return current;
    }

    private static IEnumerable<string> Parts(string relative) =>
        relative.Split(Separators, StringSplitOptions.RemoveEmptyEntries);

    // The link's own target text; null for a file, a folder or a part that does not exist.
    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Why an input whose output file <paramref name="target"/> an earlier input,
    /// <paramref name="first"/>, writes is not written (a.wav and a.mp3 both make a.json).
    /// </summary>
    public static string OutputClash(string target, string first) =>
        $"would write {TerminalText.Name(target)}, which {TerminalText.Name(first)} writes too; rename one";

    /// <summary>
    /// The output clashes of a batch: for each output file (in input order, several an input for
    /// a verb that writes more than one), why it must not be written, or null. An output is not
    /// written when an earlier input writes the same file (<see cref="OutputClash"/>, compared
    /// ignoring case) or when it is one of the batch's inputs (<see cref="Canonical"/> paths:
    /// <c>transcribe rec.txt --out . --force</c> on a WAV named .txt, or
    /// <c>video emotion x.jpg x.annotated.png --annotate</c>, replaced the input with the output).
    /// </summary>
    /// <param name="inputs">The inputs' paths as given (null: an input known to be bad, skipped).</param>
    /// <param name="outputs">Each input's output files.</param>
    public static string?[] OutputClashes(IReadOnlyList<string?> inputs, Func<int, IEnumerable<string>> outputs)
    {
        var sources = inputs.Where(p => p is not null).Select(p => Canonical(p!))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var taken = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var clashes = new string?[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is not { } path)
            {
                continue;
            }

            foreach (string output in outputs(i))
            {
                string target = Path.GetFullPath(output);
                if (sources.Contains(Target(output)))
                {
                    clashes[i] ??= $"would write {TerminalText.Name(target)}, which is an input of this run; " +
                        "write to another --out folder";
                }
                else if (!taken.TryAdd(target, path))
                {
                    clashes[i] ??= OutputClash(target, taken[target]);
                }
            }
        }

        return clashes;
    }

    /// <summary>
    /// The file that writing <paramref name="output"/> replaces, in the form <see cref="OutputClashes"/>
    /// compares (full, then <see cref="Canonical"/>), so two outputs, or an output and an input, that
    /// give the same text here are one file. An empty path, or one with a NUL in it, is returned unchanged.
    /// </summary>
    public static string Target(string output) =>
        output.Length == 0 || output.Contains('\0', StringComparison.Ordinal)
            ? output
            : Canonical(Path.GetFullPath(output));

    /// <summary>
    /// The input among <paramref name="inputs"/> that writing <paramref name="output"/>, one file for
    /// the whole run (<c>caption --html</c>), would replace, or null; compared as
    /// <see cref="OutputClashes"/> compares an output with the inputs (<see cref="Target"/>, ignoring case).
    /// </summary>
    /// <param name="inputs">The inputs' paths as given.</param>
    /// <param name="output">The output file as given.</param>
    public static string? InputAt(IEnumerable<string> inputs, string output)
    {
        string target = Target(output);
        return inputs.FirstOrDefault(p => string.Equals(Canonical(p), target, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Why an output file cannot be created because of its name alone: "cannot write &lt;file&gt;:
    /// file name too long: N bytes, the limit is 255"; null when the name fits. Asked before the
    /// input is read: the system's own answer comes only after the work, and in .NET's words.
    /// </summary>
    public static string? OutputNameTooLong(string output) =>
        AtomicFile.NameTooLong(output) is { } reason
            ? $"cannot write {TerminalText.Name(Path.GetFullPath(output))}: {reason}"
            : null;

    /// <summary>
    /// Throws an input's output clash (<see cref="OutputClash"/>), if it has one: called once the
    /// input has been read, so one that cannot be read says that instead, and before anything is
    /// written for it.
    /// </summary>
    public static void ThrowIfClash(string? clash)
    {
        if (clash is not null)
        {
            throw new InvalidDataException(clash);
        }
    }
}
