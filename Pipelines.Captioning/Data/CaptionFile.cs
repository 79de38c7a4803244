using System.Text.Json;
using Rnn.Core.Serialization;

namespace Pipelines.Captioning.Data;

/// <summary>
/// Readers for caption files, grouped into <see cref="CaptionedImage"/>s in first-seen order:
/// <list type="bullet">
/// <item>Flickr8k token files: <c>name.jpg#0&lt;TAB&gt;caption</c> per line (Flickr8k.token.txt).</item>
/// <item>COCO caption JSON: <c>images[{id, file_name}]</c> and <c>annotations[{image_id, caption}]</c>.</item>
/// <item>TSV: <c>image&lt;TAB&gt;caption</c>; or with a header line naming the columns <c>image</c>,
/// <c>caption</c> and optionally <c>split</c> (the shared flickr8k/captions.tsv).</item>
/// </list>
/// Errors name the file, the line and what was found.
/// </summary>
public static class CaptionFile
{
    /// <summary>Reads any of the three formats, chosen by content (JSON object, '#n' ids, or TSV).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A malformed line or document.</exception>
    public static IReadOnlyList<CaptionedImage> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: caption file does not exist", path);
        }

        if (FileKind.NotRegular(path) is { } kind)
        {
            throw new InvalidDataException($"{path}: {kind}");   // reading a named pipe would wait for ever
        }

        string text = File.ReadAllText(path);
        string trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (trimmed.StartsWith('{'))
        {
            return ReadCoco(text, path);
        }

        var first = trimmed.Split('\n', 2)[0];
        int tab = first.IndexOf('\t');
        return tab > 0 && System.Text.RegularExpressions.Regex.IsMatch(first[..tab], @"#\d+$")
            ? ReadFlickrTokens(text, path)
            : ReadTsv(text, path);
    }

    /// <summary>Flickr8k.token.txt: <c>name.jpg#n&lt;TAB&gt;caption</c>.</summary>
    public static IReadOnlyList<CaptionedImage> ReadFlickrTokens(string text, string source)
    {
        var groups = new Groups();
        foreach (var (line, number) in Lines(text))
        {
            int tab = line.IndexOf('\t');
            int hash = tab < 0 ? -1 : line.LastIndexOf('#', tab);
            if (tab < 0 || hash <= 0 || !int.TryParse(line.AsSpan(hash + 1, tab - hash - 1), out _))
            {
                throw new InvalidDataException(
                    $"{source}: line {number}: expected name.jpg#n<TAB>caption; got '{Short(line)}'");
            }

            groups.Add(line[..hash], line[(tab + 1)..], null, source, number);
        }

        return groups.ToList();
    }

    /// <summary>TSV: <c>image&lt;TAB&gt;caption</c> rows, or a header naming image, caption, split.</summary>
    public static IReadOnlyList<CaptionedImage> ReadTsv(string text, string source)
    {
        var groups = new Groups();
        int imageCol = 0;
        int captionCol = -1;
        int splitCol = -1;
        bool firstLine = true;
        foreach (var (line, number) in Lines(text))
        {
            var cells = line.Split('\t');
            if (firstLine)
            {
                firstLine = false;
                var names = cells.Select(c => c.Trim().ToLowerInvariant()).ToList();
                if (names.Contains("image") && names.Contains("caption"))
                {
                    imageCol = names.IndexOf("image");
                    captionCol = names.IndexOf("caption");
                    splitCol = names.IndexOf("split");
                    continue;
                }

                // A first line naming one of the two columns is a header that lacks the other (read as
                // a row, "image<TAB>split" became an image called "image" captioned "split").
                if (names.Contains("image") || names.Contains("caption"))
                {
                    string missing = names.Contains("image") ? "caption" : "image";
                    throw new InvalidDataException($"{source}: line {number}: the header has no '{missing}' " +
                        $"column (it names {string.Join(", ", cells.Select(c => $"'{c.Trim()}'"))})");
                }
            }

            int need = Math.Max(imageCol, Math.Max(captionCol, splitCol)) + 1;
            if (cells.Length < Math.Max(2, need))
            {
                throw new InvalidDataException(
                    $"{source}: line {number}: expected image<TAB>caption; got '{Short(line)}'");
            }

            string caption = captionCol >= 0 ? cells[captionCol] : cells[^1];
            groups.Add(cells[imageCol], caption, splitCol >= 0 ? cells[splitCol].Trim() : null, source, number);
        }

        return groups.ToList();
    }

    /// <summary>COCO captions_*.json.</summary>
    public static IReadOnlyList<CaptionedImage> ReadCoco(string json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var names = new Dictionary<long, string>();
            foreach (var image in root.GetProperty("images").EnumerateArray())
            {
                names[image.GetProperty("id").GetInt64()] = image.GetProperty("file_name").GetString()!;
            }

            var groups = new Groups();
            int index = 0;
            foreach (var note in root.GetProperty("annotations").EnumerateArray())
            {
                index++;
                long id = note.GetProperty("image_id").GetInt64();
                if (!names.TryGetValue(id, out var name))
                {
                    throw new InvalidDataException(
                        $"{source}: annotation {index} names image_id {id}, which is not in images");
                }

                groups.Add(name, note.GetProperty("caption").GetString() ?? "", null, source, index);
            }

            return groups.ToList();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"{source}: not COCO caption JSON (images[id, file_name], "
                + $"annotations[image_id, caption]): {e.Message}", e);
        }
    }

    private static IEnumerable<(string Line, int Number)> Lines(string text)
    {
        int number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r').TrimStart('\uFEFF');
            if (line.Trim().Length > 0)
            {
                yield return (line, number);
            }
        }
    }

    private static string Short(string line) => line.Length <= 60 ? line : line[..60] + "...";

    private sealed class Groups
    {
        private readonly Dictionary<string, (List<string> Captions, string? Split)> byImage =
            new(StringComparer.Ordinal);
        private readonly List<string> order = [];

        public void Add(string image, string caption, string? split, string source, int line)
        {
            image = image.Trim();
            if (image.Length == 0 || caption.Trim().Length == 0)
            {
                throw new InvalidDataException($"{source}: line {line}: empty image name or caption");
            }

            if (!byImage.TryGetValue(image, out var entry))
            {
                entry = ([], split);
                byImage[image] = entry;
                order.Add(image);
            }

            entry.Captions.Add(caption.Trim());
        }

        public IReadOnlyList<CaptionedImage> ToList() =>
            order.Select(name => new CaptionedImage(name, byImage[name].Captions, byImage[name].Split)).ToArray();
    }
}
