namespace Pipelines.Speech.Data;

/// <summary>How <see cref="FsddDigits.JoinClips"/> builds connected-digit utterances.</summary>
public sealed record DigitSequenceOptions
{
    /// <summary>Fewest digits in a sequence.</summary>
    public int MinDigits { get; init; } = 1;

    /// <summary>Most digits in a sequence.</summary>
    public int MaxDigits { get; init; } = 8;

    /// <summary>Shortest gap between clips (and before the first / after the last), in seconds.</summary>
    public double MinGapSeconds { get; init; } = 0.05;

    /// <summary>Longest gap, in seconds.</summary>
    public double MaxGapSeconds { get; init; } = 0.6;

    /// <summary>Lowest per-clip gain in dB.</summary>
    public double MinGainDb { get; init; } = -12;

    /// <summary>Highest per-clip gain in dB (results are clipped to [-1, 1]).</summary>
    public double MaxGainDb { get; init; } = 4;

    /// <summary>Largest standard deviation of the background noise (drawn per utterance in [0, this]).</summary>
    public float MaxNoiseStd { get; init; } = 0.003f;

    /// <summary>
    /// Slowest speed factor of a clip (0.9 plays it 10% slower and lower). Speed perturbation
    /// shifts pitch and formants together, a cheap stand-in for other vocal tracts (Ko et al.
    /// 2015, "Audio augmentation for speech recognition"); 1..1 turns it off.
    /// </summary>
    public double MinSpeed { get; init; } = 1;

    /// <summary>Fastest speed factor of a clip.</summary>
    public double MaxSpeed { get; init; } = 1;

    /// <summary>
    /// Most audio cut from each end of a clip, in seconds (drawn per end in [0, this], never more
    /// than a quarter of the clip). Recordings of other people are trimmed tighter or looser than
    /// the training ones; a model that only ever saw whole onsets misreads clipped ones. 0 turns it
    /// off and draws nothing.
    /// </summary>
    public double MaxTrimSeconds { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (MinDigits < 1 || MaxDigits < MinDigits)
        {
            throw new ArgumentException($"need 1 <= MinDigits <= MaxDigits; got {MinDigits}..{MaxDigits}");
        }

        if (MinGapSeconds < 0 || MaxGapSeconds < MinGapSeconds)
        {
            throw new ArgumentException(
                $"need 0 <= MinGapSeconds <= MaxGapSeconds; got {MinGapSeconds}..{MaxGapSeconds}");
        }

        if (MaxGainDb < MinGainDb)
        {
            throw new ArgumentException($"need MinGainDb <= MaxGainDb; got {MinGainDb}..{MaxGainDb}");
        }

        if (!(MinSpeed > 0.5 && MaxSpeed >= MinSpeed && MaxSpeed < 2))
        {
            throw new ArgumentException($"need 0.5 < MinSpeed <= MaxSpeed < 2; got {MinSpeed}..{MaxSpeed}");
        }

        if (!(MaxTrimSeconds >= 0 && MaxTrimSeconds < 1))
        {
            throw new ArgumentException($"need 0 <= MaxTrimSeconds < 1; got {MaxTrimSeconds}");
        }

        if (!(MaxNoiseStd >= 0f))
        {
            throw new ArgumentException($"MaxNoiseStd must be >= 0; got {MaxNoiseStd}");
        }
    }
}
