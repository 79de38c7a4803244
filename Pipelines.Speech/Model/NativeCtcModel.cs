using Pipelines.Speech.Features;

namespace Pipelines.Speech.Model;

/// <summary>
/// An <see cref="AcousticModel"/> of this project as an <see cref="ICtcAcousticModel"/>: log-mel
/// features with the model's settings (one extractor per thread), then the model, one call at a
/// time (a lock), because <see cref="AcousticModel.Infer"/> switches the module's mode. When the
/// features are padded (<see cref="AcousticFeatures.PadSeconds"/>), the output frames of the
/// lead-in are dropped, so frame 0 starts with the audio; frames of the trailing padding are kept
/// (a word heard at the very end may fire there) and decoders clamp their times to the segment.
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
        var features = Model.Config.Features;
        var raw = extractors.Value!.Compute(features.Pad(samples));   // [frames, features], not normalised
        AcousticOutput output;
        lock (gate)
        {
            output = Model.Infer(raw);
        }

        return samples.Length == 0 ? output : SkipLeadIn(output, features.PadSeconds);
    }

    // Drops the output frames that cover the padding before the audio (none without padding).
    private static AcousticOutput SkipLeadIn(AcousticOutput output, double padSeconds)
    {
        int skip = Math.Min(output.Frames, (int)Math.Round(padSeconds / output.FrameSeconds));
        if (skip == 0) return output;
        return output with
        {
            LogProbs = output.LogProbs.AsSpan(skip * output.Vocab).ToArray(), // [time' - skip, vocab]
            Frames = output.Frames - skip,
        };
    }

    /// <inheritdoc />
    public void Dispose() => extractors.Dispose();
}
