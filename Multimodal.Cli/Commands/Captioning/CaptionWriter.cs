using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rnn.Core.Serialization;

namespace Multimodal.Cli.Commands.Captioning;

/// <summary>One captioned file as written to <c>--out</c>.</summary>
/// <param name="File">The image path as given.</param>
/// <param name="Caption">The caption.</param>
/// <param name="Score">Length-normalised log-probability of the caption.</param>
internal sealed record CaptionLine(string File, string Caption, double Score);

/// <summary>
/// The <c>--out</c> file of <c>caption</c>: JSON Lines (<c>{"file", "caption", "score"}</c>) for .jsonl,
/// CSV (<c>file,caption,score</c>, RFC 4180 quoting) for .csv. The whole file is rewritten atomically
/// after each batch, so it is always complete; a rerun reads it back and skips the files in it.
/// In the CSV a text cell that starts with = + - @, a tab or a carriage return, which a spreadsheet
/// would run as a formula (a file named <c>=HYPERLINK(...).jpg</c>), or with ' starts with an
/// added ', shown as text and taken off again when the file is read back; a cell of an earlier
/// version's file that starts with ' and then anything else is read as it stands.
/// </summary>
internal sealed class CaptionWriter
{
    private readonly string path;
    private readonly bool csv;
    private readonly List<CaptionLine> lines = [];

    private CaptionWriter(string path, bool csv)
    {
        this.path = path;
        this.csv = csv;
    }

    /// <summary>The captions written so far (from a previous run, then this one).</summary>
    public IReadOnlyList<CaptionLine> Lines => lines;

    /// <summary>Opens <paramref name="path"/>, reading the captions an earlier run left there.</summary>
    /// <exception cref="InvalidDataException">
    /// The extension is not .jsonl/.csv, or the file is not ours; the message says why without naming
    /// the file, which the caller's error line names.
    /// </exception>
    public static CaptionWriter Open(string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is not (".jsonl" or ".csv"))
        {
            throw new InvalidDataException($"--out must end in .jsonl or .csv; got '{ext}'");
        }

        var writer = new CaptionWriter(path, ext == ".csv");
        if (File.Exists(path))
        {
            writer.lines.AddRange(writer.csv ? ReadCsv(path) : ReadJsonl(path));
        }

        return writer;
    }

    /// <summary>Adds captions and rewrites the file atomically.</summary>
    public void Append(IEnumerable<CaptionLine> added)
    {
        lines.AddRange(added);
        var text = new StringBuilder();
        if (csv)
        {
            text.Append("file,caption,score\n");
        }

        foreach (var line in lines)
        {
            text.Append(csv ? Csv(line) : Json(line)).Append('\n');
        }

        AtomicFile.WriteAllText(path, text.ToString());
    }

    private static string Json(CaptionLine line) => new JsonObject
    {
        ["file"] = line.File,
        ["caption"] = line.Caption,
        ["score"] = Math.Round(line.Score, 4),
    }.ToJsonString();

    private static string Csv(CaptionLine line) =>
        $"{Quote(AsText(line.File))},{Quote(AsText(line.Caption))}," +
        line.Score.ToString("F4", CultureInfo.InvariantCulture);

    private static string AsText(string value) => value.Length > 0 && IsGuarded(value[0]) ? "'" + value : value;

    private static string FromText(string cell) =>
        cell.Length > 1 && cell[0] == '\'' && IsGuarded(cell[1]) ? cell[1..] : cell;

    private static bool IsGuarded(char first) => first is '=' or '+' or '-' or '@' or '\t' or '\r' or '\'';

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";

    private static IEnumerable<CaptionLine> ReadJsonl(string path)
    {
        int number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            if (raw.Trim().Length == 0)
            {
                continue;
            }

            yield return ParseJson(raw, number);
        }
    }

    private static CaptionLine ParseJson(string raw, int number)
    {
        try
        {
            var o = JsonNode.Parse(raw)!.AsObject();
            return new CaptionLine(o["file"]!.GetValue<string>(), o["caption"]!.GetValue<string>(),
                o["score"]?.GetValue<double>() ?? 0);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
        {
            throw new InvalidDataException($"line {number} is not a caption record {{file, caption, score}}");
        }
    }

    private static IEnumerable<CaptionLine> ReadCsv(string path)
    {
        var rows = ParseCsv(File.ReadAllText(path)).ToList();
        if (rows.Count == 0)
        {
            yield break;
        }

        if (rows[0] is not ["file", "caption", "score"])
        {
            throw new InvalidDataException("not a caption CSV (first line must be file,caption,score)");
        }

        foreach (var row in rows.Skip(1))
        {
            if (row.Count != 3 || !double.TryParse(row[2], CultureInfo.InvariantCulture, out double score))
            {
                throw new InvalidDataException($"row '{string.Join(",", row)}' is not file,caption,score");
            }

            yield return new CaptionLine(FromText(row[0]), FromText(row[1]), score);
        }
    }

    // RFC 4180: fields separated by commas, quoted fields may hold commas, quotes ("") and newlines.
    private static IEnumerable<List<string>> ParseCsv(string text)
    {
        var row = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                row.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                yield return row;
                row = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            yield return row;
        }
    }
}
