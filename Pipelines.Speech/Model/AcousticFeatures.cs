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

    /// <summary>Log-mel frames of mono samples at <see cref="SampleRate"/>, normalised.</summary>
    public FeatureMatrix Compute(LogMelSpectrogram extractor, float[] samples) =>
        Normalize(extractor.Compute(samples));

    /// <summary>
    /// Model features of raw log-mel <paramref name="bands"/> (from
    /// <see cref="LogMelSpectrogram.ComputeBands"/>, perhaps perturbed): the DCT when the model reads
    /// MFCCs, then normalisation. <c>FromBands(x, x.ComputeBands(s))</c> equals <c>Compute(x, s)</c>.
    /// </summary>
    public FeatureMatrix FromBands(LogMelSpectrogram extractor, FeatureMatrix bands) =>
        Normalize(extractor.FromBands(bands));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        ToLogMelOptions().Validate();
        if (Normalization == NormalizationMode.Global && Stats is null)
        {
            throw new ArgumentException("Global normalisation needs Stats (the training-set mean and std)");
        }

        if (Stats is not null && Stats.Mean.Length != FeatureCount)
        {
            throw new ArgumentException(
                $"normalisation stats have {Stats.Mean.Length} features but the model reads {FeatureCount} " +
                (Mfcc > 0 ? "MFCCs" : "mel bands"));
        }
    }
}
