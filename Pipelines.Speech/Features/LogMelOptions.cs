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

    // Caps on the sizes, far above any speech front end (Whisper reads 80 or 128 bands, Kaldi 23 to
    // 80; 768 kHz is the highest rate audio interfaces record; a 25 ms window is 400 samples at
    // 16 kHz). They refuse a config.json typo such as "n_mels": 100000000 where it is read; else the
    // filter bank, n_mels x (fft / 2 + 1) floats, is allocated when the first audio arrives, and the
    // process grows until it is killed.

    /// <summary>Most mel bands <see cref="Validate()"/> accepts.</summary>
    public const int MaxMelBands = 512;

    /// <summary>Highest sample rate <see cref="Validate()"/> accepts, in Hz.</summary>
    public const int MaxSampleRate = 768_000;

    /// <summary>Longest analysis window (and FFT) <see cref="Validate()"/> accepts, in samples.</summary>
    public const int MaxFrameSamples = 65_536;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate() => Validate(SettingErrors.Argument);

    /// <summary>Throws what <paramref name="bad"/> makes of the first bad value.</summary>
    internal void Validate(SettingError bad)
    {
        double nyquist = SampleRate / 2.0, fmax = MaxFrequency > 0 ? MaxFrequency : nyquist;
        if (SampleRate is < 1000 or > MaxSampleRate)
            throw bad(nameof(SampleRate), SampleRate, $"1000..{MaxSampleRate} Hz");
        // Compared in seconds: FrameSize would overflow int for a window of, say, 1e12 s.
        if (!(FrameSeconds * SampleRate <= MaxFrameSamples) || FrameSize < 8)
        {
            double longest = (double)MaxFrameSamples / SampleRate;
            throw bad(nameof(FrameSeconds), FrameSeconds, FormattableString.Invariant(
                $"8..{MaxFrameSamples} samples long (at most {longest:0.###} s at {SampleRate} Hz)"));
        }

        if (HopSize < 1 || HopSize > FrameSize)
            throw bad(nameof(HopSeconds), HopSeconds, $"1 sample .. one window ({FrameSeconds} s)");
        if (FftSize != 0 && (FftSize < FrameSize || FftSize > MaxFrameSamples || (FftSize & (FftSize - 1)) != 0))
            throw bad(nameof(FftSize), FftSize, $"0 or a power of two from the frame length to {MaxFrameSamples}");
        if (MelBands is < 1 or > MaxMelBands) throw bad(nameof(MelBands), MelBands, $"1..{MaxMelBands}");
        if (MinFrequency < 0 || MinFrequency >= fmax) throw bad(nameof(MinFrequency), MinFrequency, $"in [0, {fmax})");
        if (fmax > nyquist) throw bad(nameof(MaxFrequency), MaxFrequency, $"at most the Nyquist rate {nyquist} Hz");
        if (!(LogFloor > 0)) throw bad(nameof(LogFloor), LogFloor, "positive");
        if (Mfcc < 0 || Mfcc > MelBands) throw bad(nameof(Mfcc), Mfcc, $"0..{MelBands} (the mel band count)");
    }
}
