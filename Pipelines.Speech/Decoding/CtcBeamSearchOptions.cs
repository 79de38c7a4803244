namespace Pipelines.Speech.Decoding;

/// <summary>Settings of <see cref="CtcPrefixBeamSearch"/>.</summary>
public sealed record CtcBeamSearchOptions
{
    /// <summary>How many prefixes survive each frame (16 by default; at least 1).</summary>
    public int BeamWidth { get; init; } = 16;

    /// <summary>
    /// Per frame, only the this-many most probable non-blank tokens may extend a prefix; 0 (the
    /// default) considers them all. A prefix may always continue its own last token.
    /// </summary>
    public int TokensPerFrame { get; init; }

    /// <summary>
    /// Per frame, tokens whose log-probability is below this do not extend prefixes. The default,
    /// -12 (p below ~6e-6), skips what cannot matter at any usual beam width and makes frames where
    /// a trained model is sure of the blank nearly free; <see cref="double.NegativeInfinity"/>
    /// turns it off (an exhaustive search).
    /// </summary>
    public double MinTokenLogProb { get; init; } = -12;

    /// <summary>
    /// Only words of this lexicon may be emitted (null: any token string). For character models
    /// a prefix is extended only while its last partial word is a prefix of a lexicon word; for
    /// word models only tokens that are lexicon words are emitted.
    /// </summary>
    public WordLexicon? Lexicon { get; init; }

    /// <summary>
    /// Added to a prefix's log score once per word it holds when ranking prefixes (0 by default).
    /// Positive values favour more, shorter words; negative ones fewer.
    /// </summary>
    public double WordInsertionBonus { get; init; }
}
