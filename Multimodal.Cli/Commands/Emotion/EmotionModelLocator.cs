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

    /// <summary>Loads the model; failures become one error line naming the directory.</summary>
    /// <exception cref="CliException">The folder is missing or is not an emotion model.</exception>
    public static EmotionModel Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new CliException(directory, "model directory does not exist");
        }

        try
        {
            return EmotionModel.Load(directory);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ArgumentException)
        {
            throw new CliException(directory, $"not a usable emotion model: {e.Message}");
        }
    }
}
