using Multimodal.Cli.Hosting;

namespace Multimodal.Cli.Commands.Captioning;

/// <summary>
/// Expands <c>caption</c>'s arguments: a file stands for itself; a folder for every file directly
/// in it (not hidden ones, not subfolders), sorted by name. Files in a folder that are not images
/// are kept, so each gets its own error line instead of being skipped silently.
/// </summary>
internal static class ImageInputs
{
    /// <summary>The files, in argument order, each once.</summary>
    /// <exception cref="CliException">A path that is neither a file nor a folder.</exception>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths)
    {
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
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
                throw new CliException(path, "no such file or folder");
            }

            foreach (var file in files)
            {
                if (seen.Add(Path.GetFullPath(file)))
                {
                    result.Add(file);
                }
            }
        }

        return result;
    }
}
