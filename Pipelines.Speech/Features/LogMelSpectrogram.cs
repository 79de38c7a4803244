using System.Numerics.Tensors;
using NWaves.FeatureExtractors;
using NWaves.FeatureExtractors.Options;
using NWaves.Windows;

namespace Pipelines.Speech.Features;

/// <summary>
/// Log-mel filterbank energies (or MFCCs) of mono audio. NWaves computes the log-mel bands:
/// Hann-windowed frames, power spectrum, triangular mel filters (HTK mel scale), natural log
/// with a floor. MFCCs are the orthonormal DCT-II of those bands, computed here.
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
    private readonly FilterbankExtractor extractor;
    private readonly float[]? dct; // [mfcc, melBands] orthonormal DCT-II rows, when MFCCs are wanted

    /// <summary>Builds the filter bank for <paramref name="options"/> (validated here).</summary>
    public LogMelSpectrogram(LogMelOptions options)
    {
        options.Validate();
        Options = options;
        extractor = new FilterbankExtractor(BankOptionsFor(options));
        if (options.Mfcc > 0) dct = DctMatrix(options.Mfcc, options.MelBands);
    }

    /// <summary>The parameters in use.</summary>
    public LogMelOptions Options { get; }

    /// <summary>Features of <paramref name="samples"/> (mono, at <see cref="LogMelOptions.SampleRate"/>).
    /// Not thread-safe: NWaves reuses internal buffers; use one instance per thread.</summary>
    public FeatureMatrix Compute(float[] samples) => FromBands(ComputeBands(samples));

    /// <summary>
    /// The log-mel bands of <paramref name="samples"/> ([time, <see cref="LogMelOptions.MelBands"/>]),
    /// before any DCT: what a band-domain augmentation such as <see cref="VocalTractPerturbation"/>
    /// works on. Not thread-safe, like <see cref="Compute"/>.
    /// </summary>
    public FeatureMatrix ComputeBands(float[] samples)
    {
        int bands = Options.MelBands;
        if (samples.Length < Options.FrameSize) return new FeatureMatrix(0, bands, []);
        List<float[]> vectors = extractor.ComputeFrom(samples);
        var data = new float[vectors.Count * bands]; // [time, melBands]
        for (int t = 0; t < vectors.Count; t++) vectors[t].AsSpan(0, bands).CopyTo(data.AsSpan(t * bands, bands));
        return new FeatureMatrix(vectors.Count, bands, data);
    }

    /// <summary>
    /// The output features of log-mel <paramref name="bands"/> ([time, melBands]): the orthonormal
    /// DCT-II truncated to <see cref="LogMelOptions.Mfcc"/> coefficients when MFCCs are wanted,
    /// else a copy of the bands. Thread-safe (it only reads the DCT matrix).
    /// </summary>
    public FeatureMatrix FromBands(FeatureMatrix bands)
    {
        int count = Options.MelBands;
        if (bands.Features != count)
        {
            throw new ArgumentException($"expected {count} mel bands per frame, got {bands.Features}");
        }

        if (dct is null) return bands.Clone();
        int features = Options.Mfcc;
        var data = new float[bands.Frames * features]; // [time, mfcc]
        for (int t = 0; t < bands.Frames; t++)
        {
            ReadOnlySpan<float> row = bands.Row(t);
            for (int k = 0; k < features; k++)
                data[t * features + k] = TensorPrimitives.Dot(dct.AsSpan(k * count, count), row);
        }
        return new FeatureMatrix(bands.Frames, features, data);
    }

    /// <summary>Frames <see cref="Compute"/> gives for <paramref name="samples"/> samples.</summary>
    public int FrameCount(long samples) =>
        samples < Options.FrameSize ? 0 : (int)(1 + (samples - Options.FrameSize) / Options.HopSize);

    // MFCC c_k = s_k * sum_n logmel_n * cos(pi * k * (n + 1/2) / N), s_0 = sqrt(1/N),
    // s_k = sqrt(2/N): the orthonormal DCT-II, as HTK/Kaldi/librosa define MFCCs. We apply it
    // to our own log-mel output so MFCCs are exactly the DCT of the features we document.
    private static float[] DctMatrix(int coefficients, int bands)
    {
        var m = new float[coefficients * bands]; // [mfcc, melBands]
        for (int k = 0; k < coefficients; k++)
        {
            double scale = Math.Sqrt((k == 0 ? 1.0 : 2.0) / bands);
            for (int n = 0; n < bands; n++)
                m[k * bands + n] = (float)(scale * Math.Cos(Math.PI * k * (n + 0.5) / bands));
        }
        return m;
    }

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
}
