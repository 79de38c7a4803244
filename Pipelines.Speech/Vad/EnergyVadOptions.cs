namespace Pipelines.Speech.Vad;

/// <summary>Parameters of <see cref="EnergyVad"/>. Energies are in dB relative to a full-scale
/// (amplitude 1.0) signal's mean square, i.e. dBFS of the frame's RMS.</summary>
public sealed record EnergyVadOptions
{
    /// <summary>Length of the energy frames, in seconds.</summary>
    public double FrameSeconds { get; init; } = 0.02;

    /// <summary>Frames quieter than this are never speech, whatever the noise floor (dBFS).
    /// -50 keeps quiet talkers: one FSDD speaker peaks at only -36 dBFS.</summary>
    public double AbsoluteThresholdDb { get; init; } = -50;

    /// <summary>A frame is speech when it is this many dB above the local noise floor.</summary>
    public double MarginDb { get; init; } = 10;

    /// <summary>
    /// The noise floor at a frame is a low percentile of frame energies within this many
    /// seconds either side. It is also the detector's look-ahead: segments come out about this
    /// late, and this much audio is buffered.
    /// </summary>
    public double NoiseWindowSeconds { get; init; } = 3;

    /// <summary>Which percentile of the window is the noise floor (0.1 = the 10th).</summary>
    public double NoisePercentile { get; init; } = 0.1;

    /// <summary>Bursts of speech shorter than this are dropped (clicks, pops).</summary>
    public double MinSpeechSeconds { get; init; } = 0.08;

    /// <summary>A pause must last this long to end a segment; shorter pauses stay inside it.</summary>
    public double MinSilenceSeconds { get; init; } = 0.3;

    /// <summary>Silence kept before and after each segment (less where a neighbour or the start
    /// or end of the audio is closer).</summary>
    public double PaddingSeconds { get; init; } = 0.1;

    /// <summary>Longest segment, padding included; longer speech is split at its quietest frame
    /// in the second half of the allowed length.</summary>
    public double MaxSegmentSeconds { get; init; } = 15;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (!(FrameSeconds > 0)) throw Bad(nameof(FrameSeconds), FrameSeconds, "positive");
        if (!(MarginDb >= 0)) throw Bad(nameof(MarginDb), MarginDb, ">= 0");
        if (!(NoiseWindowSeconds >= FrameSeconds))
            throw Bad(nameof(NoiseWindowSeconds), NoiseWindowSeconds, ">= one frame");
        if (!(NoisePercentile is >= 0 and <= 1)) throw Bad(nameof(NoisePercentile), NoisePercentile, "in [0, 1]");
        if (!(MinSpeechSeconds >= 0)) throw Bad(nameof(MinSpeechSeconds), MinSpeechSeconds, ">= 0");
        if (!(MinSilenceSeconds >= FrameSeconds))
            throw Bad(nameof(MinSilenceSeconds), MinSilenceSeconds, ">= one frame");
        if (!(PaddingSeconds >= 0)) throw Bad(nameof(PaddingSeconds), PaddingSeconds, ">= 0");
        if (!(MaxSegmentSeconds >= 2 * PaddingSeconds + 4 * FrameSeconds))
            throw Bad(nameof(MaxSegmentSeconds), MaxSegmentSeconds, "at least 2 x padding + 4 frames");
    }

    private static ArgumentException Bad(string name, double value, string expected) =>
        new($"{name} must be {expected}; got {value}", name);
}
