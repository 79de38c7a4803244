using Multimodal.Cli.Hosting;
using Multimodal.Cli.Output;
using Rnn.Core.Serialization;

namespace Multimodal.Cli.Models;

/// <summary>Finds the folder of bundled models.</summary>
public static class ModelsFolder
{
    /// <summary>Environment variable naming the models folder.</summary>
    public const string Variable = "MULTIMODAL_MODELS";

    /// <summary>
    /// Every folder a model of a given name may be found in, in order: $MULTIMODAL_MODELS when it
    /// names a folder, then the bundled ones (<c>models/</c> next to the executable, and in the
    /// repository root). A user's own models folder in $MULTIMODAL_MODELS must not hide the bundled
    /// defaults: with only models the user trained there, every verb's default model and the face
    /// cascade of the bundled emotion model were "not found".
    /// </summary>
    public static IReadOnlyList<string> SearchOrder(CliEnvironment environment)
    {
        var folders = new List<string>();
        if (NonEmpty(environment.GetVariable(Variable)) is { } named && Directory.Exists(named))
        {
            folders.Add(Path.GetFullPath(named));
        }

        folders.Add(Path.Combine(environment.BaseDirectory, "models"));
        if (RepositoryRoot(environment.BaseDirectory) is { } root)
        {
            folders.Add(Path.Combine(root, "models"));
        }

        return folders.Where(Directory.Exists).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The models folder, by precedence: <paramref name="explicitFolder"/> (<c>--models-dir</c>),
    /// then $MULTIMODAL_MODELS (both must exist), then <c>models/</c> next to the executable, then
    /// <c>models/</c> in the repository root found by walking up to Multimodal.sln. Null when
    /// no default folder exists, which simply means no models are bundled.
    /// </summary>
    /// <exception cref="CliException">An explicitly named folder does not exist or is a file.</exception>
    public static string? Locate(string? explicitFolder, CliEnvironment environment)
    {
        var named = explicitFolder ?? NonEmpty(environment.GetVariable(Variable));
        if (named is not null)
        {
            var source = explicitFolder is not null ? "--models-dir" : $"${Variable}";
            if (File.Exists(named))
            {
                // File.Exists is true for a symbolic link that leads nowhere or in a circle too.
                throw new CliException(named, $"{BrokenLink(named) ?? "is a file, not a folder"} (from {source})");
            }

            return Directory.Exists(named)
                ? Path.GetFullPath(named)
                : throw new CliException(named, $"models folder does not exist (from {source})");
        }

        var besideExe = Path.Combine(environment.BaseDirectory, "models");
        if (Directory.Exists(besideExe))
        {
            return besideExe;
        }

        var root = RepositoryRoot(environment.BaseDirectory);
        var inRepo = root is null ? null : Path.Combine(root, "models");
        return inRepo is not null && Directory.Exists(inRepo) ? inRepo : null;
    }

    /// <summary>The nearest folder at or above <paramref name="start"/> holding Multimodal.sln.</summary>
    public static string? RepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Multimodal.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    // Why a symbolic link cannot be followed, or null when it is none or can be.
    private static string? BrokenLink(string path) => FileKind.BrokenLink(path) switch
    {
        { Loops: true } => "is a symbolic link that leads back to itself",
        { } link => $"is a link to {TerminalText.Name(link.Target)}, which does not exist",
        null => null,
    };
}
