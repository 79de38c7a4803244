using Multimodal.Cli.Hosting;
using Multimodal.Cli.Models;
using Pipelines.Video.Emotion;

namespace Multimodal.Cli.Commands.Emotion;

/// <summary>Finds and loads the emotion model of <c>video emotion</c> and <c>eval emotion</c>.</summary>
public static class EmotionModelLocator
{
    /// <summary>The bundled model used when <c>--model</c> is not given.</summary>
    public const string DefaultModel = "emotion-fer2013";

    /// <summary>
    /// <paramref name="explicitDirectory"/> when given, else models/emotion-fer2013 of the models folder.
    /// </summary>
    /// <exception cref="CliException">No directory was given and no bundled model was found.</exception>
    public static string Resolve(string? explicitDirectory, CliEnvironment environment) =>
        BundledModel.Resolve(explicitDirectory, DefaultModel, environment);

    /// <summary>Loads the model; failures become one error line naming the directory.</summary>
    /// <exception cref="CliException">The folder is missing or is not an emotion model.</exception>
    public static EmotionModel Load(string directory) =>
        BundledModel.Load(directory, "emotion", EmotionModel.Load);
}
