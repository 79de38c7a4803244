using Pipelines.Speech.Features;

namespace Pipelines.Speech.Model;

/// <summary>
/// The feature settings a model was trained with: log-mel parameters and normalisation. Audio
/// must go through exactly these steps before the model sees it, so they live in its config.
/// </summary>
public sealed record AcousticFeatures
{
    /// <summary>Sample rate the audio is resampled to, in Hz.</summary>
    public int SampleRate { get; init; } = 16000;

    /// <summary>Number of mel bands (the model's input features).</summary>
    public int MelBands { get; init; } = 40;

    /// <summary>
    /// When positive, the model reads this many MFCCs (DCT-II of the <see cref="MelBands"/> log-mel
    /// bands, lowest first) instead of the bands themselves; 0 (the default) reads the bands.
    /// Truncated cepstra keep the spectral envelope and drop the fine detail (pitch harmonics).
    /// </summary>
    public int Mfcc { get; init; }

    /// <summary>Values per feature frame: <see cref="Mfcc"/> when positive, else <see cref="MelBands"/>.</summary>
    public int FeatureCount => Mfcc > 0 ? Mfcc : MelBands;

    /// <summary>Analysis window length in seconds.</summary>
    public double WindowSeconds { get; init; } = 0.025;

    /// <summary>Hop between feature frames in seconds.</summary>
    public double HopSeconds { get; init; } = 0.010;

    /// <summary>
    /// Seconds of quiet (Gaussian noise of RMS <see cref="PadNoiseRms"/>, the same every time)
    /// added before and after the audio before its features are computed; 0 (the default) adds
    /// none. A clip cut tight at the word's onset then still starts in quiet, as most training
    /// audio does: the first frames and the per-utterance normalisation see a lead-in.
    /// </summary>
    public double PadSeconds { get; init; }

    /// <summary>RMS of the padding noise, about -70 dB re full scale (a quiet room).</summary>
    public const double PadNoiseRms = 3e-4;

    /// <summary>How the feature frames are normalised.</summary>
    public NormalizationMode Normalization { get; init; } = NormalizationMode.PerUtterance;

    /// <summary>Training-set statistics, required when <see cref="Normalization"/> is Global.</summary>
    public NormalizationStats? Stats { get; init; }

    /// <summary>The log-mel options these settings describe.</summary>
    public LogMelOptions ToLogMelOptions() => new()
    {
        SampleRate = SampleRate,
        MelBands = MelBands,
        Mfcc = Mfcc,
        FrameSeconds = WindowSeconds,
        HopSeconds = HopSeconds,
    };

    /// <summary>A log-mel extractor for these settings (one per thread: it is not thread-safe).</summary>
    public LogMelSpectrogram CreateExtractor() => new(ToLogMelOptions());

    /// <summary>Normalises raw log-mel frames as the model expects.</summary>
    public FeatureMatrix Normalize(FeatureMatrix raw) => FeatureNormalizer.Normalize(raw, Normalization, Stats);

    /// <summary>Features of mono samples at <see cref="SampleRate"/> (padded as <see cref="PadSeconds"/>
    /// says), normalised.</summary>
    public FeatureMatrix Compute(LogMelSpectrogram extractor, float[] samples) =>
        Normalize(extractor.Compute(Pad(samples)));

    /// <summary>Padding samples added at each end: <see cref="PadSeconds"/> at <see cref="SampleRate"/>.</summary>
    public int PadSamples => (int)Math.Round(PadSeconds * SampleRate);

    /// <summary>
    /// <paramref name="samples"/> with <see cref="PadSeconds"/> of quiet before and after (the same
    /// noise every call, so features repeat); the samples themselves when there is no padding or
    /// no audio.
    /// </summary>
    public float[] Pad(float[] samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        int pad = PadSamples;
        if (pad == 0 || samples.Length == 0) return samples;
        var result = new float[samples.Length + 2 * pad];
        var rng = new Rnn.Core.Rng(0x9AD);
        for (int i = 0; i < pad; i++)
        {
            result[i] = (float)(PadNoiseRms * rng.Normal());
            result[pad + samples.Length + i] = (float)(PadNoiseRms * rng.Normal());
        }

        samples.CopyTo(result, pad);
        return result;
    }

    /// <summary>
    /// Model features of raw log-mel <paramref name="bands"/> (from
    /// <see cref="LogMelSpectrogram.ComputeBands"/>, perhaps perturbed): the DCT when the model reads
    /// MFCCs, then normalisation. <c>FromBands(x, x.ComputeBands(s))</c> equals <c>Compute(x, s)</c>.
    /// </summary>
    public FeatureMatrix FromBands(LogMelSpectrogram extractor, FeatureMatrix bands) =>
        Normalize(extractor.FromBands(bands));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate() => Validate(SettingErrors.Argument);

    /// <summary>Throws what <paramref name="bad"/> makes of the first bad value.</summary>
    internal void Validate(SettingError bad)
    {
        ToLogMelOptions().Validate(bad);
        if (!(PadSeconds >= 0 && PadSeconds <= 2))
        {
            throw bad(nameof(PadSeconds), PadSeconds, "in [0, 2] s");
        }

        if (Normalization == NormalizationMode.Global && Stats is null)
        {
            throw bad(nameof(Stats), "none", "given for global normalisation (the training-set mean and std)");
        }

        if (Stats is not null && Stats.Mean.Length != FeatureCount)
        {
            throw bad(nameof(Stats), $"{Stats.Mean.Length} features",
                $"of {FeatureCount} features, one per {(Mfcc > 0 ? "MFCC" : "mel band")}");
        }
    }
}
