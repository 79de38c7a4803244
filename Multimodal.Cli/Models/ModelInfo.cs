namespace Multimodal.Cli.Models;

/// <summary>What <c>multimodal models</c> shows about one model directory.</summary>
/// <param name="Name">The directory name, which is how verbs refer to the model.</param>
/// <param name="Directory">Full path of the model directory.</param>
/// <param name="Task">The top-level "task" field of config.json (e.g. "speech-to-text"), or "?".</param>
/// <param name="Architecture">The config's architecture.type (e.g. "ctc-bilstm").</param>
/// <param name="SizeBytes">Size of the files a verb loads: config, weights, ONNX graphs, cascades
/// (not the card, scripts, checkpoints or caches beside them).</param>
/// <param name="ParameterCount">Elements over all tensors of weights.safetensors; null for an ONNX
/// model, whose graph the listing does not read.</param>
/// <param name="KeyMetric">The headline held-out metric, or null if neither file names one.</param>
public sealed record ModelInfo(
    string Name,
    string Directory,
    string Task,
    string Architecture,
    long SizeBytes,
    long? ParameterCount,
    string? KeyMetric)
{
    /// <summary>
    /// The three files every model directory must hold (an ONNX model holds its graph instead of
    /// weights.safetensors).
    /// </summary>
    public static readonly string[] RequiredFiles = ["config.json", "weights.safetensors", "MODEL_CARD.md"];

    /// <summary>Path of the model card.</summary>
    public string CardPath => Path.Combine(Directory, "MODEL_CARD.md");
}
