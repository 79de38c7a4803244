using Multimodal.Cli.Hosting;
using Multimodal.Cli.Output;
using Rnn.Core.Serialization;

namespace Multimodal.Cli.Models;

/// <summary>
/// The one way every verb finds and opens its model directory: <c>--model DIR</c> when given, else
/// the default model of that name in $MULTIMODAL_MODELS or the bundled models folders
/// (<see cref="ModelsFolder.SearchOrder"/>).
/// </summary>
public static class BundledModel
{
    /// <summary>
    /// <paramref name="explicitDirectory"/> when given, else models/<paramref name="defaultModel"/>.
    /// A bare name that is no folder here but names a bundled model (<c>--model speech-en</c>, as
    /// the <c>models</c> verb lists them) is that model's folder.
    /// </summary>
    /// <exception cref="CliException">No directory was given and the bundled model was not found.</exception>
    public static string Resolve(string? explicitDirectory, string defaultModel, CliEnvironment environment)
    {
        if (explicitDirectory is not null)
        {
            bool bareName = explicitDirectory.IndexOfAny(['/', '\\']) < 0 && explicitDirectory is not ("." or "..");
            if (!bareName || Directory.Exists(explicitDirectory))
            {
                return explicitDirectory;
            }

            WarnIfNamedFolderIsMissing(environment);
            return Bundled(explicitDirectory, environment) ?? explicitDirectory;
        }

        WarnIfNamedFolderIsMissing(environment);
        return Bundled(defaultModel, environment)
            ?? throw new CliException(null, $"no --model given and the bundled {defaultModel} model was not found "
                + $"(looked in ${ModelsFolder.Variable}, models/ beside the executable and in the repository root)");
    }

    // $MULTIMODAL_MODELS naming no folder is an error for `models`, which lists that folder; a verb
    // looking for a model there goes on with the bundled ones, but says so: it skipped it silently.
    private static void WarnIfNamedFolderIsMissing(CliEnvironment environment)
    {
        string? named = environment.GetVariable(ModelsFolder.Variable);
        if (!string.IsNullOrWhiteSpace(named) && !Directory.Exists(named))
        {
            environment.Error.WriteLine(ErrorLine.FormatWarning($"${ModelsFolder.Variable}",
                $"{TerminalText.Name(named)} is not a folder; looking in the bundled models folders only"));
        }
    }

    /// <summary>
    /// The folder of the model called <paramref name="name"/> in the first models folder that has one
    /// (<see cref="ModelsFolder.SearchOrder"/>: $MULTIMODAL_MODELS, then the bundled ones) and, when
    /// <paramref name="file"/> is given, holds that file; null when none has.
    /// </summary>
    public static string? Bundled(string name, CliEnvironment environment, string? file = null) =>
        ModelsFolder.SearchOrder(environment).Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(dir => file is null ? Directory.Exists(dir) : File.Exists(Path.Combine(dir, file)));

    /// <summary>
    /// Opens the model at <paramref name="directory"/> with <paramref name="load"/>; a missing folder or a
    /// file the loader refuses becomes one error line naming the directory.
    /// </summary>
    /// <param name="directory">The model directory.</param>
    /// <param name="kind">What the model is, for the message ("speech", "caption", ...).</param>
    /// <param name="load">The pipeline's loader.</param>
    /// <exception cref="CliException">The folder is missing, is a file, or is not a model of this kind.</exception>
    public static T Load<T>(string directory, string kind, Func<string, T> load)
    {
        if (!Directory.Exists(directory))
        {
            // A file is a common slip (the weights or config.json given for their folder); "does
            // not exist" would send the user looking for something that is there.
            throw new CliException(directory, File.Exists(directory)
                ? $"is a file, not a model folder{FolderHint(directory)}"
                : "model directory does not exist");
        }

        try
        {
            return load(directory);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ArgumentException)
        {
            throw new CliException(directory, $"not a usable {kind} model: {e.Message}");
        }
    }

    // When the file lies in a model folder (a config.json beside it), that folder, as given, is named.
    private static string FolderHint(string file)
    {
        string folder = Path.GetDirectoryName(file) is { Length: > 0 } given ? given : ".";
        return File.Exists(ModelIo.ConfigPath(folder)) ? $" (give its folder: {TerminalText.Name(folder)})" : "";
    }
}
