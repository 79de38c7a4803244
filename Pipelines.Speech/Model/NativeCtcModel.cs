using Pipelines.Speech.Features;

namespace Pipelines.Speech.Model;

/// <summary>
/// An <see cref="AcousticModel"/> of this project as an <see cref="ICtcAcousticModel"/>: log-mel
/// features with the model's settings (one extractor per thread), then the model, one call at a
/// time (a lock), because <see cref="AcousticModel.Infer"/> switches the module's mode. When the
/// features are padded (<see cref="AcousticFeatures.PadSeconds"/>), the output frames of the
/// lead-in are kept and counted in <see cref="AcousticOutput.LeadInFrames"/> (a bidirectional
/// model may fire the first word there, before its onset: dropping them lost single digits cut
/// tight at the onset); frames of the trailing padding are kept too (a word heard at the very end
/// may fire there) and times are clamped to the segment.
/// <see cref="WithPadding"/> gives views of the same weights with other padding (test-time
/// augmentation through <see cref="CtcEnsemble"/>).
/// </summary>
public sealed class NativeCtcModel : ICtcAcousticModel, IDisposable
{
    private readonly object gate;
    private readonly ThreadLocal<LogMelSpectrogram> extractors;
    private readonly AcousticFeatures features;
    private readonly bool ownsExtractors;

    /// <summary>Wraps <paramref name="model"/>.</summary>
    public NativeCtcModel(AcousticModel model)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        features = model.Config.Features;
        extractors = new ThreadLocal<LogMelSpectrogram>(features.CreateExtractor);
        gate = new object();
        ownsExtractors = true;
    }

    private NativeCtcModel(NativeCtcModel owner, AcousticFeatures padded)
    {
        Model = owner.Model;
        features = padded;
        extractors = owner.extractors;
        gate = owner.gate;
    }

    /// <summary>The wrapped model.</summary>
    public AcousticModel Model { get; }

    /// <summary>Seconds of quiet this view adds at both ends of the audio (the model's own by default).</summary>
    public double PadSeconds => features.PadSeconds;

    /// <summary>
    /// The same model and weights heard with <paramref name="padSeconds"/> of quiet at both ends
    /// instead of the config's <see cref="AcousticFeatures.PadSeconds"/>. The view shares this one's
    /// lock and feature extractors (dispose this one, not the views). Its frames stay on the grid
    /// of the unpadded audio (shifted by whole <see cref="AcousticOutput.LeadInFrames"/>), which is
    /// why the padding must be a whole number of output frames.
    /// </summary>
    /// <exception cref="ArgumentException">The padding is negative, over 2 s, or not a whole number of
    /// output frames (40 ms for the digits model).</exception>
    public NativeCtcModel WithPadding(double padSeconds)
    {
        double frame = Model.Config.OutputFrameSeconds;
        double frames = padSeconds / frame;
        var padded = features with { PadSeconds = padSeconds };
        padded.Validate();
        if (Math.Abs(frames - Math.Round(frames)) > 1e-6 ||
            Math.Abs(padded.PadSamples - padSeconds * features.SampleRate) > 1e-6)
        {
            throw new ArgumentException(
                $"test-time padding must be a whole number of {frame * 1000:F0} ms output frames (and of " +
                $"samples at {features.SampleRate} Hz), so frames stay in register; got {padSeconds * 1000} ms",
                nameof(padSeconds));
        }

        return new NativeCtcModel(this, padded);
    }

    /// <inheritdoc />
    public int SampleRate => Model.Config.Features.SampleRate;

    /// <inheritdoc />
    public AcousticVocabulary Vocabulary => Model.Config.Vocabulary;

    /// <inheritdoc />
    public AcousticOutput Infer(float[] samples)
    {
        var raw = extractors.Value!.Compute(features.Pad(samples));   // [frames, features], not normalised
        AcousticOutput output;
        lock (gate)
        {
            output = Model.Infer(raw);
        }

        if (samples.Length == 0) return output;
        int leadIn = Math.Min(output.Frames, (int)Math.Round(features.PadSeconds / output.FrameSeconds));
        return output with { LeadInFrames = leadIn };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (ownsExtractors) extractors.Dispose();
    }
}
