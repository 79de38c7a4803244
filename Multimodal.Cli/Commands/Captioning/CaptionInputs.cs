using Multimodal.Cli.Hosting;
using Pipelines.Captioning.Data;

namespace Multimodal.Cli.Commands.Captioning;

/// <summary>Reading caption files and choosing splits, for <c>train caption</c> and <c>eval caption</c>.</summary>
internal static class CaptionInputs
{
    /// <summary>The file's images, or a one-line error.</summary>
    public static IReadOnlyList<CaptionedImage> Read(string path)
    {
        try
        {
            return CaptionFile.Read(path);
        }
        catch (FileNotFoundException)
        {
            throw CliException.MissingFile(path, "caption file");
        }
        catch (InvalidDataException e)
        {
            throw new CliException(null, e.Message);
        }
    }

    /// <summary>Images of <paramref name="split"/> when the file has splits; all images otherwise.</summary>
    public static IReadOnlyList<CaptionedImage> OfSplit(IReadOnlyList<CaptionedImage> all, string? split, string file)
    {
        if (all.Count == 0)
        {
            // Said of the caption file, before the model loads, not later of the image folder.
            throw new CliException(file, "lists no captioned images");
        }

        if (split is null || all.All(i => i.Split is null))
        {
            return all;
        }

        var chosen = all.Where(i => string.Equals(i.Split, split, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (chosen.Length == 0)
        {
            var names = string.Join(", ", all.Select(i => i.Split).Distinct());
            throw new CliException(file, $"no image is in split '{split}' (the file has: {names})");
        }

        return chosen;
    }

    /// <summary>The image file of a caption-file entry.</summary>
    public static string PathOf(string imagesDir, CaptionedImage image) => Path.Combine(imagesDir, image.Image);
}
