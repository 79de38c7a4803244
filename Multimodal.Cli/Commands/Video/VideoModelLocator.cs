using Multimodal.Cli.Hosting;
using Multimodal.Cli.Models;
using Pipelines.Video.Decoding;
using Pipelines.Video.Prediction;

namespace Multimodal.Cli.Commands.Video;

/// <summary>Finds and loads the next-frame model of <c>video predict</c> and <c>eval video-predict</c>.</summary>
public static class VideoModelLocator
{
    /// <summary>The bundled model used when <c>--model</c> is not given.</summary>
    public const string DefaultModel = "video-predict-mnist";

    /// <summary>
    /// <paramref name="explicitDirectory"/> when given, else models/video-predict-mnist in the models folder.
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

    /// <summary>Loads the predictor at <paramref name="directory"/>; failures become one error line.</summary>
    /// <exception cref="CliException">The folder is missing or is not a next-frame model.</exception>
    public static ConvLstmPredictor Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new CliException(directory, "model directory does not exist");
        }

        try
        {
            return PredictorDirectory.Load(directory);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ArgumentException)
        {
            throw new CliException(directory, $"not a usable next-frame model: {e.Message}");
        }
    }

    /// <summary>Loads OpenCV's native library, or one error line saying what to install.</summary>
    /// <exception cref="CliException">The native library did not load.</exception>
    public static void EnsureOpenCv()
    {
        try
        {
            OpenCvRuntime.EnsureLoaded();
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(null, e.Message);
        }
    }
}
