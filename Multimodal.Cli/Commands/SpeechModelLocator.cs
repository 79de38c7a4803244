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
    public static string Resolve(string? explicitDirectory, CliEnvironment environment) =>
        BundledModel.Resolve(explicitDirectory, DefaultModel, environment);

    /// <summary>Loads the model at <paramref name="directory"/>; failures become one error line.</summary>
    /// <exception cref="CliException">The folder is missing or is not a speech model.</exception>
    public static SpeechTranscriber Load(string directory) =>
        BundledModel.Load(directory, "speech", SpeechTranscriber.Load);

    /// <summary>The reason to print for an item that failed: the audio reason without the file name
    /// (the error line names the file already), else the message.</summary>
    public static string Reason(Exception e) => e switch
    {
        AudioFormatException audio => audio.Reason,
        UnauthorizedAccessException => "cannot be read: permission denied",   // .NET's text names the path again
        _ => e.Message,
    };
}
