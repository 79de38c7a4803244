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
    public static string Resolve(string? explicitDirectory, CliEnvironment environment) =>
        BundledModel.Resolve(explicitDirectory, DefaultModel, environment);

    /// <summary>Loads the predictor at <paramref name="directory"/>; failures become one error line.</summary>
    /// <exception cref="CliException">The folder is missing or is not a next-frame model.</exception>
    public static ConvLstmPredictor Load(string directory) =>
        BundledModel.Load(directory, "next-frame", PredictorDirectory.Load);

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
