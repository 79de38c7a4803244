namespace Pipelines.Captioning.Decoding;

/// <summary>How captions are searched for.</summary>
public sealed record BeamSearchOptions
{
    /// <summary>Hypotheses kept per image; 1 is greedy decoding.</summary>
    public int BeamWidth { get; init; } = 3;

    /// <summary>
    /// Length normalisation exponent alpha of Wu et al. (2016): a finished caption is ranked by
    /// log p / ((5 + length) / 6)^alpha. 0 ranks by raw log-probability (favours short captions).
    /// </summary>
    public float LengthPenalty { get; init; } = 0.7f;

    /// <summary>Forbid a word that would repeat a trigram already in the hypothesis ("a dog and a dog and").</summary>
    public bool BlockRepeatedTrigrams { get; init; }

    /// <summary>Longest caption in words; null uses the model's maximum.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Checks the values; throws with the bad one.</summary>
    public void Validate()
    {
        if (BeamWidth is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(BeamWidth), $"beam width must be 1..100; got {BeamWidth}");
        }

        if (!(LengthPenalty >= 0f && LengthPenalty <= 5f))
        {
            throw new ArgumentOutOfRangeException(
                nameof(LengthPenalty), $"length penalty must be 0..5; got {LengthPenalty}");
        }

        if (MaxLength is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxLength), $"max length must be >= 1; got {MaxLength}");
        }
    }
}
