namespace Pipelines.Speech.Features;

/// <summary>Parameters of <see cref="LogMelSpectrogram"/>; saved with a model so features at
/// inference match those of training.</summary>
public sealed record LogMelOptions
{
    /// <summary>Rate of the input samples, in Hz.</summary>
    public int SampleRate { get; init; } = 16000;

    /// <summary>Analysis window length in seconds (25 ms is the usual speech choice).</summary>
    public double FrameSeconds { get; init; } = 0.025;

    /// <summary>Step between frames in seconds.</summary>
    public double HopSeconds { get; init; } = 0.010;

    /// <summary>FFT length; 0 picks the next power of two at or above the frame length.</summary>
    public int FftSize { get; init; }

    /// <summary>Number of mel bands (n_mels).</summary>
    public int MelBands { get; init; } = 80;

    /// <summary>Lowest frequency of the filter bank, in Hz.</summary>
    public double MinFrequency { get; init; } = 20;

    /// <summary>Highest frequency of the filter bank in Hz; 0 means the Nyquist rate.</summary>
    public double MaxFrequency { get; init; }

    /// <summary>Band energies below this are raised to it before the log, so silence gives
    /// ln(floor) rather than minus infinity.</summary>
    public float LogFloor { get; init; } = 1e-10f;

    /// <summary>Pre-emphasis coefficient (0 turns it off; 0.97 is common).</summary>
    public double PreEmphasis { get; init; }

    /// <summary>When positive, output this many MFCCs (DCT-II of the log-mel bands) instead of
    /// the log-mel bands themselves.</summary>
    public int Mfcc { get; init; }

    /// <summary>Frame length in samples.</summary>
    public int FrameSize => (int)Math.Round(FrameSeconds * SampleRate);

    /// <summary>Hop in samples.</summary>
    public int HopSize => (int)Math.Round(HopSeconds * SampleRate);

    /// <summary>Values per output frame.</summary>
    public int FeatureCount => Mfcc > 0 ? Mfcc : MelBands;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate() => Validate(SettingErrors.Argument);

    /// <summary>Throws what <paramref name="bad"/> makes of the first bad value.</summary>
    internal void Validate(SettingError bad)
    {
        double nyquist = SampleRate / 2.0, fmax = MaxFrequency > 0 ? MaxFrequency : nyquist;
        if (SampleRate < 1000) throw bad(nameof(SampleRate), SampleRate, "at least 1000 Hz");
        if (FrameSize < 8) throw bad(nameof(FrameSeconds), FrameSeconds, "at least 8 samples long");
        if (HopSize < 1 || HopSize > FrameSize)
            throw bad(nameof(HopSeconds), HopSeconds, $"1 sample .. one window ({FrameSeconds} s)");
        if (FftSize != 0 && (FftSize < FrameSize || (FftSize & (FftSize - 1)) != 0))
            throw bad(nameof(FftSize), FftSize, "0 or a power of two >= the frame length");
        if (MelBands < 1) throw bad(nameof(MelBands), MelBands, "at least 1");
        if (MinFrequency < 0 || MinFrequency >= fmax) throw bad(nameof(MinFrequency), MinFrequency, $"in [0, {fmax})");
        if (fmax > nyquist) throw bad(nameof(MaxFrequency), MaxFrequency, $"at most the Nyquist rate {nyquist} Hz");
        if (!(LogFloor > 0)) throw bad(nameof(LogFloor), LogFloor, "positive");
        if (Mfcc < 0 || Mfcc > MelBands) throw bad(nameof(Mfcc), Mfcc, $"0..{MelBands} (the mel band count)");
    }
}
