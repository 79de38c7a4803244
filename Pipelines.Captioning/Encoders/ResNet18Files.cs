namespace Pipelines.Captioning.Encoders;

/// <summary>
/// Where the ResNet-18 ONNX files are. They come from the NuGet package
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0, which the build restores and copies next to
/// the program (DnnImageModels/...); nothing is ever downloaded at run time.
/// </summary>
/// <param name="Model">
/// ResNet18.onnx: input "Input247" [1, 3, 224, 224], output "Pooling395_Output_0" [1, 512, 1, 1].
/// </param>
/// <param name="Preprocess">ResNetPreprocess.onnx: RGB planes to BGR minus the training mean image.</param>
public sealed record ResNet18Files(string Model, string Preprocess)
{
    /// <summary>Folder, relative to the program, that the build copies the files into.</summary>
    public const string RelativeFolder = "DnnImageModels";

    /// <summary>The NuGet package the files come from.</summary>
    public const string Package = "Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0";

    /// <summary>Environment variable naming a folder that holds the two files (overrides the default).</summary>
    public const string Variable = "MULTIMODAL_RESNET18_DIR";

    /// <summary>The files under <paramref name="root"/> (a DnnImageModels folder or one holding both files).</summary>
    public static ResNet18Files In(string root)
    {
        string flatModel = Path.Combine(root, "ResNet18.onnx");
        return File.Exists(flatModel)
            ? new ResNet18Files(flatModel, Path.Combine(root, "ResNetPreprocess.onnx"))
            : new ResNet18Files(Path.Combine(root, "ResNet18Onnx", "ResNet18.onnx"),
                Path.Combine(root, "ResNetPrepOnnx", "ResNetPreprocess.onnx"));
    }

    /// <summary>
    /// The files from <see cref="Variable"/> when set, else beside the program; null when absent,
    /// with <paramref name="problem"/> saying in one line what was looked for and how to get them.
    /// </summary>
    /// <param name="problem">Empty when found; otherwise the one-line reason.</param>
    /// <param name="getVariable">Reads environment variables; the process environment when null.</param>
    public static ResNet18Files? Locate(out string problem, Func<string, string?>? getVariable = null)
    {
        string? custom = (getVariable ?? Environment.GetEnvironmentVariable)(Variable);
        var root = string.IsNullOrWhiteSpace(custom) ? Path.Combine(AppContext.BaseDirectory, RelativeFolder) : custom;
        var files = In(root);
        if (File.Exists(files.Model) && File.Exists(files.Preprocess))
        {
            problem = "";
            return files;
        }

        problem = $"the ResNet-18 encoder files are missing (looked for {files.Model} and {files.Preprocess}); "
            + $"they come from the NuGet package {Package}: run 'dotnet build' with NuGet reachable, "
            + $"set ${Variable}, or use a model trained with the small CNN encoder";
        return null;
    }
}
