using Pipelines.Speech.Features;

namespace Pipelines.Speech.Model;

/// <summary>
/// An <see cref="AcousticModel"/> of this project as an <see cref="ICtcAcousticModel"/>: log-mel
/// features with the model's settings (one extractor per thread), then the model, one call at a
/// time (a lock), because <see cref="AcousticModel.Infer"/> switches the module's mode.
/// </summary>
public sealed class NativeCtcModel : ICtcAcousticModel, IDisposable
{
    private readonly object gate = new();
    private readonly ThreadLocal<LogMelSpectrogram> extractors;

    /// <summary>Wraps <paramref name="model"/>.</summary>
    public NativeCtcModel(AcousticModel model)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        extractors = new ThreadLocal<LogMelSpectrogram>(model.Config.Features.CreateExtractor);
    }

    /// <summary>The wrapped model.</summary>
    public AcousticModel Model { get; }

    /// <inheritdoc />
    public int SampleRate => Model.Config.Features.SampleRate;

    /// <inheritdoc />
    public AcousticVocabulary Vocabulary => Model.Config.Vocabulary;

    /// <inheritdoc />
    public AcousticOutput Infer(float[] samples)
    {
        var raw = extractors.Value!.Compute(samples);   // [frames, mels], not normalised
        lock (gate)
        {
            return Model.Infer(raw);
        }
    }

    /// <inheritdoc />
    public void Dispose() => extractors.Dispose();
}
