using Pipelines.Speech.Audio;
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
/// <see cref="WithPadding"/> and <see cref="WithSpeed"/> give views of the same weights with other
/// padding or tempo (test-time augmentation through <see cref="CtcEnsemble"/>).
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

    private NativeCtcModel(NativeCtcModel owner, AcousticFeatures padded, double speed)
    {
        Model = owner.Model;
        features = padded;
        Speed = speed;
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
        var padded = features with { PadSeconds = padSeconds };
        padded.Validate();
        if (PaddingOffGrid(Model.Config, padSeconds) is { } expected)
        {
            throw new ArgumentException(
                $"test-time padding must be {expected}; got {padSeconds * 1000:0.###} ms", nameof(padSeconds));
        }

        return new NativeCtcModel(this, padded, Speed);
    }

    /// <summary>
    /// What a padding must be when <paramref name="padSeconds"/> is not a whole number of output frames
    /// and of samples of a model of <paramref name="config"/> (<see cref="WithPadding"/> refuses it);
    /// null when it is.
    /// </summary>
    internal static string? PaddingOffGrid(AcousticModelConfig config, double padSeconds)
    {
        double frame = config.OutputFrameSeconds, frames = padSeconds / frame;
        double samples = padSeconds * config.Features.SampleRate;
        return Math.Abs(frames - Math.Round(frames)) > 1e-6 || Math.Abs(samples - Math.Round(samples)) > 1e-6
            ? $"a whole number of {frame * 1000:F0} ms output frames (and of samples at " +
              $"{config.Features.SampleRate} Hz), so frames stay in register"
            : null;
    }

    /// <summary>How fast this view plays the audio to the model (1: as it is).</summary>
    public double Speed { get; } = 1;

    /// <summary>
    /// The same model and weights hearing the audio played <paramref name="speed"/> times as fast
    /// (resampled, so pitch and formants move with tempo, as in speed-perturbed training). Its
    /// frames cover <paramref name="speed"/> x the model's frame length of the audio each
    /// (<see cref="AcousticOutput.FrameSeconds"/>), so they are not in register with unchanged
    /// views: <see cref="CtcEnsemble"/> uses such views only in <see cref="CtcCombination.Rescore"/>.
    /// Shares this one's lock and extractors, like <see cref="WithPadding"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The speed is outside [0.5, 2].</exception>
    public NativeCtcModel WithSpeed(double speed)
    {
        if (!(speed >= SpeedPerturbation.MinSpeed && speed <= SpeedPerturbation.MaxSpeed))
        {
            throw new ArgumentOutOfRangeException(nameof(speed), speed,
                $"speed must be in [{SpeedPerturbation.MinSpeed}, {SpeedPerturbation.MaxSpeed}]; got {speed}");
        }

        return new NativeCtcModel(this, features, speed);
    }

    /// <inheritdoc />
    public int SampleRate => Model.Config.Features.SampleRate;

    /// <inheritdoc />
    public AcousticVocabulary Vocabulary => Model.Config.Vocabulary;

    /// <inheritdoc />
    public AcousticOutput Infer(float[] samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var heard = Speed == 1 ? samples : SpeedPerturbation.Apply(samples, SampleRate, Speed);
        var raw = extractors.Value!.Compute(features.Pad(heard));     // [frames, features], not normalised
        AcousticOutput output;
        lock (gate)
        {
            output = Model.Infer(raw);
        }

        if (samples.Length == 0) return output;
        int leadIn = Math.Min(output.Frames, (int)Math.Round(features.PadSeconds / output.FrameSeconds));
        return output with { LeadInFrames = leadIn, FrameSeconds = output.FrameSeconds * Speed };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (ownsExtractors) extractors.Dispose();
    }
}
