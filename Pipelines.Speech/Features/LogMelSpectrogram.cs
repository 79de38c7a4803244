using NWaves.FeatureExtractors;
using NWaves.FeatureExtractors.Base;
using NWaves.FeatureExtractors.Options;
using NWaves.Windows;

namespace Pipelines.Speech.Features;

/// <summary>
/// Log-mel filterbank energies (or MFCCs) of mono audio, computed by NWaves: Hann-windowed
/// frames, power spectrum, triangular mel filters (HTK mel scale), natural log with a floor.
/// Frames are taken whole: a signal of n samples gives <c>1 + (n - frame) / hop</c> frames
/// (none when shorter than one frame), frame t starting at sample <c>t * hop</c>.
/// </summary>
/// <example>
/// <code>
/// var mel = new LogMelSpectrogram(new LogMelOptions { SampleRate = 16000, MelBands = 80 });
/// FeatureMatrix features = mel.Compute(samples); // [time, 80]
/// </code>
/// </example>
public sealed class LogMelSpectrogram
{
    private readonly FeatureExtractor extractor;

    /// <summary>Builds the filter bank for <paramref name="options"/> (validated here).</summary>
    public LogMelSpectrogram(LogMelOptions options)
    {
        options.Validate();
        Options = options;
        extractor = options.Mfcc > 0
            ? new MfccExtractor(MfccOptionsFor(options))
            : new FilterbankExtractor(BankOptionsFor(options));
    }

    /// <summary>The parameters in use.</summary>
    public LogMelOptions Options { get; }

    /// <summary>Features of <paramref name="samples"/> (mono, at <see cref="LogMelOptions.SampleRate"/>).
    /// Not thread-safe: NWaves reuses internal buffers; use one instance per thread.</summary>
    public FeatureMatrix Compute(float[] samples)
    {
        int features = Options.FeatureCount;
        if (samples.Length < Options.FrameSize) return new FeatureMatrix(0, features, []);
        List<float[]> vectors = extractor.ComputeFrom(samples);
        var data = new float[vectors.Count * features]; // [time, features]
        for (int t = 0; t < vectors.Count; t++) vectors[t].AsSpan(0, features).CopyTo(data.AsSpan(t * features));
        return new FeatureMatrix(vectors.Count, features, data);
    }

    /// <summary>Frames <see cref="Compute"/> gives for <paramref name="samples"/> samples.</summary>
    public int FrameCount(long samples) =>
        samples < Options.FrameSize ? 0 : (int)(1 + (samples - Options.FrameSize) / Options.HopSize);

    private static FilterbankOptions BankOptionsFor(LogMelOptions o) => new()
    {
        SamplingRate = o.SampleRate,
        FrameSize = o.FrameSize,
        HopSize = o.HopSize,
        FftSize = o.FftSize,
        FilterBankSize = o.MelBands,
        LowFrequency = o.MinFrequency,
        HighFrequency = o.MaxFrequency > 0 ? o.MaxFrequency : o.SampleRate / 2.0,
        Window = WindowType.Hann,
        SpectrumType = SpectrumType.Power,
        NonLinearity = NonLinearityType.LogE,
        LogFloor = o.LogFloor,
        PreEmphasis = o.PreEmphasis,
    };

    private static MfccOptions MfccOptionsFor(LogMelOptions o) => new()
    {
        SamplingRate = o.SampleRate,
        FeatureCount = o.Mfcc,
        FrameSize = o.FrameSize,
        HopSize = o.HopSize,
        FftSize = o.FftSize,
        FilterBankSize = o.MelBands,
        LowFrequency = o.MinFrequency,
        HighFrequency = o.MaxFrequency > 0 ? o.MaxFrequency : o.SampleRate / 2.0,
        Window = WindowType.Hann,
        SpectrumType = SpectrumType.Power,
        NonLinearity = NonLinearityType.LogE,
        LogFloor = o.LogFloor,
        PreEmphasis = o.PreEmphasis,
        DctType = "2N",
    };
}
