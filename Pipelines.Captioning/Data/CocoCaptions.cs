using System.Text;
using System.Text.Json;

namespace Pipelines.Captioning.Data;

/// <summary>
/// Reads COCO caption JSON, <c>{"images": [{"id", "file_name"}], "annotations": [{"image_id",
/// "caption"}]}</c>, checking each part it uses, so that a bad file is one message in words naming
/// the entry ("annotation 3 has no \"caption\"", "not valid JSON: it ends early (byte 80)") rather
/// than System.Text.Json's ("The given key was not present in the dictionary."). Other members
/// (licenses, info, an image's width) are not looked at.
/// </summary>
internal static class CocoCaptions
{
    // Said where the file's outline is wrong, so the user learns what it should be.
    private const string Layout = " (COCO caption JSON has \"images\": [{\"id\", \"file_name\"}] and "
        + "\"annotations\": [{\"image_id\", \"caption\"}])";

    /// <summary>Each annotation's image file name and caption, with its 1-based number.</summary>
    /// <exception cref="InvalidDataException">Not JSON, or not that layout; the message says where.</exception>
    public static IReadOnlyList<(string Image, string Caption, int Index)> Read(string json, string source)
    {
        using var doc = Parse(json, source);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Bad(source, $"the top level is {Kind(root)}, not an object" + Layout);
        }

        var names = ImageNames(Array(root, "images", source), source);
        var notes = new List<(string, string, int)>();
        int index = 0;
        foreach (var note in Array(root, "annotations", source).EnumerateArray())
        {
            string entry = $"annotation {++index}";
            long id = Id(note, "image_id", entry, source);
            if (!names.TryGetValue(id, out var image))
            {
                throw Bad(source, $"{entry} names image_id {id}, which is not in images");
            }

            notes.Add((image.Name, Text(note, "caption", entry, source), index));
        }

        return notes;
    }

    // Image id to file name and entry number; an id given twice is refused (which file its captions
    // belong to is unclear).
    private static Dictionary<long, (string Name, int Index)> ImageNames(JsonElement images, string source)
    {
        var seen = new Dictionary<long, (string Name, int Index)>();
        int index = 0;
        foreach (var image in images.EnumerateArray())
        {
            string entry = $"image {++index}";
            long id = Id(image, "id", entry, source);
            string name = Text(image, "file_name", entry, source);
            if (!seen.TryAdd(id, (name, index)))
            {
                throw Bad(source, $"{entry} has id {id}, as image {seen[id].Index} has");
            }
        }

        return seen;
    }

    private static JsonDocument Parse(string json, string source)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON: {Where(json, e)}", e);
        }
    }

    // System.Text.Json numbers lines and bytes from 0; people read them from 1. A document cut short
    // (a download or copy that stopped) is the common case and is said as such.
    private static string Where(string json, JsonException e)
    {
        long line = e.LineNumber ?? 0;
        long inLine = e.BytePositionInLine ?? 0;
        var lines = json.Split('\n');
        long offset = 0;
        for (int i = 0; i < line && i < lines.Length; i++)
        {
            offset += Encoding.UTF8.GetByteCount(lines[i]) + 1;
        }

        offset += inLine;
        string at = $"line {line + 1}, byte {inLine + 1}";
        int rest = Encoding.UTF8.GetByteCount(json.TrimEnd());
        if (offset >= rest)
        {
            return $"it ends early (byte {rest}): an object, array or string is not closed";
        }

        int chars = line < lines.Length ? (int)Math.Min(inLine, lines[line].Length) : 0;
        string found = line < lines.Length && chars < lines[line].Length ? $" '{lines[line][chars]}'" : "";
        return $"unexpected character{found} at {at}";
    }

    private static JsonElement Array(JsonElement root, string name, string source)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            throw Bad(source, $"no \"{name}\" array" + Layout);
        }

        return value.ValueKind == JsonValueKind.Array
            ? value
            : throw Bad(source, $"\"{name}\" is {Kind(value)}, not an array" + Layout);
    }

    private static long Id(JsonElement entry, string name, string where, string source)
    {
        var value = Member(entry, name, where, source);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long id)
            ? id
            : throw Bad(source, $"{where}: \"{name}\" is {Kind(value)}, not a whole number");
    }

    private static string Text(JsonElement entry, string name, string where, string source)
    {
        var value = Member(entry, name, where, source);
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Bad(source, $"{where}: \"{name}\" is {Kind(value)}, not a string");
        }

        string text = value.GetString()!;
        return text.Trim().Length > 0 ? text : throw Bad(source, $"{where}: \"{name}\" is empty");
    }

    private static JsonElement Member(JsonElement entry, string name, string where, string source)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw Bad(source, $"{where} is {Kind(entry)}, not an object");
        }

        return entry.TryGetProperty(name, out var value) ? value : throw Bad(source, $"{where} has no \"{name}\"");
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {Short(value.GetString()!)}",
        JsonValueKind.Number => $"the number {Short(value.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => "null",
    };

    private static string Short(string text) =>
        "'" + (text.Length <= 40 ? text : text[..40] + "...") + "'";

    private static InvalidDataException Bad(string source, string problem) => new($"{source}: {problem}");
}
