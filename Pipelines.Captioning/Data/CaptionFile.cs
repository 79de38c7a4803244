using Rnn.Core.Serialization;

namespace Pipelines.Captioning.Data;

/// <summary>
/// Readers for caption files, grouped into <see cref="CaptionedImage"/>s in first-seen order:
/// <list type="bullet">
/// <item>Flickr8k token files: <c>name.jpg#0&lt;TAB&gt;caption</c> per line (Flickr8k.token.txt).</item>
/// <item>COCO caption JSON: <c>images[{id, file_name}]</c> and <c>annotations[{image_id, caption}]</c>.</item>
/// <item>TSV: <c>image&lt;TAB&gt;caption[&lt;TAB&gt;split]</c>; or with a header line naming the columns <c>image</c>,
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

        FileKind.RequireRegular(path, path);   // reading a named pipe would wait for ever

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

    /// <summary>
    /// TSV: headerless rows of <c>image&lt;TAB&gt;caption</c> or <c>image&lt;TAB&gt;caption&lt;TAB&gt;split</c>
    /// (every row with the first row's number of columns), or a header line naming the columns
    /// <c>image</c>, <c>caption</c> and optionally <c>split</c>, in any order among others.
    /// </summary>
    public static IReadOnlyList<CaptionedImage> ReadTsv(string text, string source)
    {
        var groups = new Groups();
        int imageCol = 0;
        int captionCol = 1;
        int splitCol = -1;
        int headerless = 0;   // the columns of a file without a header, set by its first row
        int firstRow = 0;
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

                // The documented layout, image, caption[, split]: the caption used to be the last column,
                // so "a.jpg<TAB>a dog<TAB>train" was captioned "train".
                headerless = cells.Length;
                firstRow = number;
                splitCol = headerless == 3 ? 2 : -1;
            }

            if (headerless > 0 && HeaderlessProblem(cells.Length, headerless, firstRow) is { } problem)
            {
                throw new InvalidDataException($"{source}: line {number}: {problem}; got '{Short(line)}'");
            }

            int need = Math.Max(imageCol, Math.Max(captionCol, splitCol)) + 1;
            if (cells.Length < Math.Max(2, need))
            {
                throw new InvalidDataException(
                    $"{source}: line {number}: expected image<TAB>caption; got '{Short(line)}'");
            }

            groups.Add(cells[imageCol], cells[captionCol], splitCol >= 0 ? cells[splitCol].Trim() : null, source,
                number);
        }

        return groups.ToList();
    }

    // A row of a headerless TSV that does not fit the documented layout. A row with fewer columns than
    // the first would lose its split (and leave its split for every other image); a fourth column has
    // no documented meaning, and taking the last one as the caption is what misread split columns.
    private static string? HeaderlessProblem(int columns, int firstColumns, int firstRow) =>
        columns > 3
            ? $"expected image<TAB>caption[<TAB>split] (or a header line naming the columns), {columns} columns"
            : columns != firstColumns
                ? $"{columns} column{(columns == 1 ? "" : "s")} where line {firstRow} has {firstColumns} "
                    + "(image<TAB>caption[<TAB>split])"
                : null;

    /// <summary>COCO captions_*.json; every way it can be malformed is one message in words.</summary>
    public static IReadOnlyList<CaptionedImage> ReadCoco(string json, string source)
    {
        var groups = new Groups();
        foreach (var (image, caption, index) in CocoCaptions.Read(json, source))
        {
            groups.Add(image, caption, null, source, index, "annotation");
        }

        return groups.ToList();
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

        public void Add(string image, string caption, string? split, string source, int line,
            string where = "line")
        {
            image = image.Trim();
            if (image.Length == 0 || caption.Trim().Length == 0)
            {
                throw new InvalidDataException($"{source}: {where} {line}: empty image name or caption");
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
