using Multimodal.Cli.Hosting;
using Multimodal.Cli.Models;
using Pipelines.Speech.Audio;
using Pipelines.Speech.Transcription;

namespace Multimodal.Cli.Commands;

/// <summary>Finds and loads the speech model of the <c>transcribe</c> and <c>eval speech</c> verbs.</summary>
public static class SpeechModelLocator
{
    /// <summary>The bundled model used when <c>--model</c> is not given.</summary>
    public const string DefaultModel = "speech-digits";

    /// <summary>
    /// <paramref name="explicitDirectory"/> when given, else models/speech-digits in the models
    /// folder the <c>models</c> verb finds (see <see cref="ModelsFolder.Locate"/>).
    /// </summary>
    /// <exception cref="CliException">No directory was given and no bundled model was found.</exception>
    public static string Resolve(string? explicitDirectory, CliEnvironment environment)
    {
        if (explicitDirectory is not null)
        {
            return explicitDirectory;
        }

        var folder = ModelsFolder.Locate(null, environment);
        var path = folder is null ? null : Path.Combine(folder, DefaultModel);
        return path is not null && Directory.Exists(path)
            ? path
            : throw new CliException(null, $"no --model given and the bundled {DefaultModel} model was not found "
                + $"(looked in models/ beside the executable, in the repository root and ${ModelsFolder.Variable})");
    }

    /// <summary>Loads the model at <paramref name="directory"/>; failures become one error line.</summary>
    /// <exception cref="CliException">The folder is missing or is not a speech model.</exception>
    public static SpeechTranscriber Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new CliException(directory, "model directory does not exist");
        }

        try
        {
            return SpeechTranscriber.Load(directory);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ArgumentException)
        {
            throw new CliException(directory, $"not a usable speech model: {e.Message}");
        }
    }

    /// <summary>The reason to print for an item that failed: the audio reason without the file name
    /// (the error line names the file already), else the message.</summary>
    public static string Reason(Exception e) => e is AudioFormatException audio ? audio.Reason : e.Message;
}
