using Multimodal.Cli.Batch;
using Pipelines.Video.Emotion;

namespace Multimodal.Cli.Commands.Emotion;

/// <summary>One input of <c>video emotion</c>, or a path already known to be wrong.</summary>
/// <param name="Index">Position in the expanded list (the summary keeps this order).</param>
/// <param name="Path">The file as the user gave it (or folder/name).</param>
/// <param name="Problem">Why it cannot be read, when that is known before trying.</param>
/// <param name="Folder">The folder argument it was found in; null when given directly.</param>
/// <param name="Clash">
/// Set when an earlier input writes the same result file (a.mp4 and a.png): the reason this one
/// is not written. It is still read, so a file that is bad anyway says why, not that it clashes.
/// </param>
public sealed record MediaInput(
    int Index, string Path, string? Problem = null, string? Folder = null, string? Clash = null);

/// <summary>
/// Expands PATHS: a file is taken whatever its extension (a wrong file gets a clear error); a
/// folder gives its videos and images by extension, sorted by name, not descending into subfolders.
/// </summary>
public static class MediaInputs
{
    /// <summary>
    /// The inputs in order; missing paths and folders with nothing to read become inputs with a problem.
    /// </summary>
    public static IReadOnlyList<MediaInput> Expand(IEnumerable<string> paths)
    {
        var known = EmotionMedia.VideoExtensions.Concat(EmotionMedia.ImageExtensions).ToHashSet();
        var inputs = new List<MediaInput>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                inputs.Add(new MediaInput(inputs.Count, path, InputPaths.NotRegular(path)));
            }
            else if (Directory.Exists(path))
            {
                if (InputPaths.FilesIn(path, out var unreadable) is not { } all)
                {
                    inputs.Add(new MediaInput(inputs.Count, path, unreadable));
                    continue;
                }

                var files = all
                    .Where(f => known.Contains(System.IO.Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal).ToList();
                if (files.Count == 0)
                {
                    inputs.Add(new MediaInput(inputs.Count, path,
                        "folder has no videos or images (by extension; subfolders are not searched)"));
                }

                inputs.AddRange(files.Select(f => new MediaInput(inputs.Count, f, InputPaths.NotRegular(f), path)));
                for (int i = inputs.Count - files.Count; i < inputs.Count; i++)
                {
                    inputs[i] = inputs[i] with { Index = i };
                }
            }
            else
            {
                inputs.Add(new MediaInput(inputs.Count, path, InputPaths.Missing(path)));
            }
        }

        return inputs;
    }

    /// <summary>
    /// The inputs less those naming a file an earlier input names (see <see cref="InputPaths"/>),
    /// renumbered in order; <paramref name="again"/> hears of each readable one left out, with the
    /// earlier input (a bad one repeated is left out silently: its error is said once).
    /// </summary>
    public static IReadOnlyList<MediaInput> WithoutDuplicates(
        IReadOnlyList<MediaInput> inputs, Action<MediaInput, MediaInput> again) =>
        InputPaths.Once(inputs, i => i.Path, i => i.Problem is not null, again)
            .Select((input, i) => input with { Index = i }).ToList();

    /// <summary>
    /// Marks inputs whose result files an earlier input already takes (a.mp4 and a.png) or that
    /// are inputs themselves (see <see cref="InputPaths.OutputClashes"/>), and those with a result
    /// name too long for the file system (an input name near the limit, plus ".annotated.mp4").
    /// </summary>
    public static IReadOnlyList<MediaInput> CheckOutputNames(
        IReadOnlyList<MediaInput> inputs, Func<MediaInput, IEnumerable<string>> outputs)
    {
        inputs = inputs.Select(input => input.Problem is null && TooLong(outputs(input)) is { } problem
            ? input with { Problem = problem }
            : input).ToList();
        var clashes = InputPaths.OutputClashes(inputs.Select(i => i.Problem is null ? i.Path : null).ToList(),
            i => outputs(inputs[i]));
        return inputs.Select((input, i) => clashes[i] is { } clash ? input with { Clash = clash } : input).ToList();
    }

    private static string? TooLong(IEnumerable<string> outputs) =>
        outputs.Select(InputPaths.OutputNameTooLong).FirstOrDefault(problem => problem is not null);
}
