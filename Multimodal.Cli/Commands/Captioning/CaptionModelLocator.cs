using Multimodal.Cli.Hosting;
using Multimodal.Cli.Models;
using Pipelines.Captioning.Captioning;
using Pipelines.Captioning.Images;

namespace Multimodal.Cli.Commands.Captioning;

/// <summary>Finds and loads the caption model of the <c>caption</c> and <c>eval caption</c> verbs.</summary>
public static class CaptionModelLocator
{
    /// <summary>The bundled model used when <c>--model</c> is not given.</summary>
    public const string DefaultModel = "caption-flickr8k";

    /// <summary><paramref name="explicitDirectory"/> when given, else models/caption-flickr8k.</summary>
    /// <exception cref="CliException">No directory was given and no bundled model was found.</exception>
    public static string Resolve(string? explicitDirectory, CliEnvironment environment) =>
        BundledModel.Resolve(explicitDirectory, DefaultModel, environment);

    /// <summary>Loads the model and its encoder (<paramref name="threads"/> for ONNX Runtime, 0: all cores).</summary>
    /// <param name="directory">The model directory.</param>
    /// <param name="environment">Supplies the environment variables.</param>
    /// <param name="threads">ONNX Runtime threads.</param>
    /// <param name="limits">Image decoder limits; defaults when null.</param>
    /// <exception cref="CliException">The folder is missing, not a caption model, or lacks its encoder.</exception>
    public static ImageCaptioner Load(string directory, CliEnvironment environment, int threads = 0,
        ImageLimits? limits = null) =>
        BundledModel.Load(directory, "caption",
            dir => ImageCaptioner.Load(dir, threads, new ImageLoader(limits), environment.GetVariable));
}
