using Multimodal.Cli.Batch;

namespace Multimodal.Cli.Commands.Captioning;

/// <summary>
/// Expands <c>caption</c>'s arguments: a file stands for itself; a folder for every file directly
/// in it (not hidden ones, not subfolders), sorted by name. Files in a folder that are not images
/// are kept, so each gets its own error line instead of being skipped silently. A path that is
/// neither is returned as missing: it fails on its own, as a bad file does, and the rest run.
/// A file named twice is listed twice; the run leaves the second out with a warning
/// (<see cref="Batch.InputPaths.Once{T}"/>), and a bad path named twice is reported once.
/// </summary>
internal static class ImageInputs
{
    /// <summary>
    /// The files, in argument order, each with the folder argument it came from (null when given
    /// directly); the paths that cannot be read: missing ones and folders with no files in them,
    /// each with its reason; and every path's place in argument order, good or bad (the first
    /// time it is met), so the errors can be reported in the order the inputs were given.
    /// </summary>
    public static (IReadOnlyList<(string Path, string? Folder)> Files,
        IReadOnlyList<(string Path, string Reason)> Bad, IReadOnlyDictionary<string, int> Order)
        Expand(IEnumerable<string> paths)
    {
        var result = new List<(string, string?)>();
        var missing = new List<(string, string)>();
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                if (InputPaths.FilesIn(path, out var unreadable) is not { } all)
                {
                    Bad(path, unreadable!);
                    continue;
                }

                var files = all.Where(f => !Path.GetFileName(f).StartsWith('.'))
                    .Order(StringComparer.Ordinal).ToList();
                if (files.Count == 0)
                {
                    // As transcribe and video emotion do: an empty folder is most likely the wrong one.
                    Bad(path, "folder has no files (subfolders are not searched)");
                }

                foreach (string f in files)
                {
                    Add(f, path);
                }
            }
            else if (File.Exists(path))
            {
                Add(path, null);
            }
            else
            {
                Bad(path, InputPaths.Missing(path));
            }
        }

        return (result, missing, order);

        // A file to caption, or a bad input when it is a pipe, device or socket.
        void Add(string file, string? folder)
        {
            if (InputPaths.NotRegular(file) is { } odd)
            {
                Bad(file, odd);
            }
            else
            {
                order.TryAdd(file, order.Count);
                result.Add((file, folder));
            }
        }

        void Bad(string file, string reason)
        {
            order.TryAdd(file, order.Count);
            missing.Add((file, reason));
        }
    }
}
