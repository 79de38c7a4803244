using Multimodal.Cli.Batch;
using Multimodal.Cli.Output;

namespace Multimodal.Cli.Commands;

/// <summary>One file to transcribe, or a path that is already known to be wrong.</summary>
/// <param name="Index">Position in the expanded input list (stdout keeps this order).</param>
/// <param name="Path">The file as the user will read it (the given path, or folder/name).</param>
/// <param name="Problem">Why it cannot be transcribed, when that is known before trying.</param>
/// <param name="Folder">The folder argument it was found in; null when given directly.</param>
/// <param name="Clash">
/// Set when an earlier input writes the same output file (a.wav and a.mp3): the reason this one
/// is not written. It is still read, so a file that is bad anyway says why, not that it clashes.
/// </param>
public sealed record AudioInput(
    int Index, string Path, string? Problem = null, string? Folder = null, string? Clash = null);

/// <summary>
/// Expands the PATHS of <c>transcribe</c>: a file is taken as it is (whatever its extension, so
/// a wrong file gets a clear error); a folder gives its audio files by extension, sorted by name,
/// not descending into subfolders.
/// </summary>
public static class AudioInputs
{
    /// <summary>Extensions taken from folders. FLAC and Ogg are listed so that they get a clear
    /// "not supported, convert it" error rather than being silently left out.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".wav", ".wave", ".mp3", ".flac", ".ogg", ".opus"];

    /// <summary>The inputs in order; missing paths and folders without audio become inputs with a problem.</summary>
    public static IReadOnlyList<AudioInput> Expand(IEnumerable<string> paths)
    {
        var inputs = new List<AudioInput>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                inputs.Add(new AudioInput(inputs.Count, path, InputPaths.NotRegular(path)));
            }
            else if (Directory.Exists(path))
            {
                if (InputPaths.FilesIn(path, out var unreadable) is not { } all)
                {
                    inputs.Add(new AudioInput(inputs.Count, path, unreadable));
                    continue;
                }

                var files = all
                    .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (files.Count == 0)
                {
                    inputs.Add(new AudioInput(inputs.Count, path,
                        $"folder has no audio files ({string.Join(", ", Extensions)}; subfolders are not searched)"));
                }

                foreach (var file in files)
                {
                    inputs.Add(new AudioInput(inputs.Count, file, InputPaths.NotRegular(file), path));
                }
            }
            else
            {
                inputs.Add(new AudioInput(inputs.Count, path, InputPaths.Missing(path)));
            }
        }

        return inputs;
    }

    /// <summary>
    /// The inputs less those naming a file an earlier input names (the same path twice, a file and
    /// its folder, a link and its target; see <see cref="InputPaths"/>), renumbered in order;
    /// <paramref name="again"/> hears of each readable one left out, with the earlier input (a bad
    /// one repeated is left out silently: its error is said once).
    /// </summary>
    public static IReadOnlyList<AudioInput> WithoutDuplicates(
        IReadOnlyList<AudioInput> inputs, Action<AudioInput, AudioInput> again) =>
        InputPaths.Once(inputs, i => i.Path, i => i.Problem is not null, again)
            .Select((input, i) => input with { Index = i }).ToList();

    /// <summary>
    /// Marks inputs whose output file name an earlier input already takes (a.wav and a.mp3; see
    /// <see cref="AudioInput.Clash"/>), where a folder stands in the output file's place, or whose
    /// output name is too long for the file system (an input name near the limit, plus ".json").
    /// </summary>
    public static IReadOnlyList<AudioInput> CheckOutputNames(
        IReadOnlyList<AudioInput> inputs, Func<AudioInput, string> output)
    {
        var checkedInputs = inputs.Select(input =>
        {
            if (input.Problem is not null)
            {
                return input;
            }

            // Said before the file is transcribed, not as the system's "Is a directory" after.
            string target = Path.GetFullPath(output(input));
            string? problem = InputPaths.OutputNameTooLong(target) ?? (Directory.Exists(target)
                ? $"cannot write {TerminalText.Name(target)}: a folder is in the way"
                : null);
            return problem is null ? input : input with { Problem = problem };
        }).ToList();
        var clashes = InputPaths.OutputClashes(checkedInputs.Select(i => i.Problem is null ? i.Path : null).ToList(),
            i => [output(checkedInputs[i])]);
        return checkedInputs.Select((input, i) => clashes[i] is { } clash ? input with { Clash = clash } : input)
            .ToList();
    }

    /// <summary>Throws the input's known problem (the reason alone, for the batch's error line).</summary>
    public static void ThrowIfBad(AudioInput input)
    {
        if (input.Problem is not null)
        {
            throw new InvalidDataException(input.Problem);
        }
    }

}
