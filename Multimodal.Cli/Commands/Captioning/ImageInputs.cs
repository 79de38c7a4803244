namespace Multimodal.Cli.Commands.Captioning;

/// <summary>
/// Expands <c>caption</c>'s arguments: a file stands for itself; a folder for every file directly
/// in it (not hidden ones, not subfolders), sorted by name. Files in a folder that are not images
/// are kept, so each gets its own error line instead of being skipped silently. A path that is
/// neither is returned as missing: it fails on its own, as a bad file does, and the rest run.
/// A file named twice is listed twice; the run leaves the second out with a warning
/// (<see cref="Batch.InputPaths.Once{T}"/>).
/// </summary>
internal static class ImageInputs
{
    /// <summary>The files, in argument order; and the paths that do not exist.</summary>
    public static (IReadOnlyList<string> Files, IReadOnlyList<string> Missing) Expand(IEnumerable<string> paths)
    {
        var result = new List<string>();
        var missing = new List<string>();
        foreach (var path in paths)
        {
            IEnumerable<string> files;
            if (Directory.Exists(path))
            {
                files = Directory.EnumerateFiles(path).Where(f => !Path.GetFileName(f).StartsWith('.'))
                    .Order(StringComparer.Ordinal);
            }
            else if (File.Exists(path))
            {
                files = [path];
            }
            else
            {
                missing.Add(path);
                continue;
            }

            result.AddRange(files);
        }

        return (result, missing);
    }
}
