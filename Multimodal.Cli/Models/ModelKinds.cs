using Pipelines.Captioning.Model;
using Pipelines.Speech.Model;
using Pipelines.Video.Emotion;
using Pipelines.Video.Prediction;

namespace Multimodal.Cli.Models;

/// <summary>
/// The model kinds (config.json's <c>"architecture.type"</c>) some verb of this program can run.
/// The models listing marks a folder of any other kind as not usable: a typo ("ctc-rnn-acustic")
/// or a model made for another program would otherwise be listed as fine and fail only when a
/// verb loads it.
/// </summary>
/// <example>
/// <code>
/// // A test lists a folder of its own fake kind beside the real ones.
/// var kinds = ModelKinds.BuiltIn.With("test-rnn");
/// var (models, problems) = ModelCatalog.Scan(folder, kinds);
/// </code>
/// </example>
public sealed class ModelKinds
{
    private readonly SortedSet<string> _types;

    /// <summary>A set of kinds, compared exactly (as the verbs compare them).</summary>
    public ModelKinds(IEnumerable<string> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        _types = new SortedSet<string>(types, StringComparer.Ordinal);
    }

    /// <summary>The kinds the pipelines of this build load: speech (ours and ONNX), captioning, video.</summary>
    public static ModelKinds BuiltIn { get; } = new([
        AcousticModelConfig.ArchitectureType,
        OnnxCtcModel.ArchitectureType,
        CaptionModelConfig.ArchitectureType,
        PredictorConfig.ArchitectureType,
        EmotionModel.ArchitectureType,
    ]);

    /// <summary>The kinds, sorted.</summary>
    public IReadOnlyCollection<string> Types => _types;

    /// <summary>Whether <paramref name="type"/> is one of the kinds.</summary>
    public bool Contains(string type) => _types.Contains(type);

    /// <summary>These kinds and <paramref name="more"/>.</summary>
    public ModelKinds With(params string[] more) => new(_types.Concat(more));
}
