namespace Pipelines.Speech.Model;

/// <summary>
/// What the acoustic model says about one utterance: per output frame, the log-probability of
/// each token (rows sum to 1 after exp), and how long a frame lasts.
/// </summary>
/// <param name="LogProbs">[time, vocab] row-major natural-log probabilities.</param>
/// <param name="Frames">Output frames (time).</param>
/// <param name="Vocab">Tokens per frame.</param>
/// <param name="FrameSeconds">Duration of one output frame; frame t starts at
/// (t - <see cref="LeadInFrames"/>) * FrameSeconds from the start of the audio.</param>
public sealed record AcousticOutput(float[] LogProbs, int Frames, int Vocab, double FrameSeconds)
{
    /// <summary>
    /// Frames at the start that cover quiet padding added before the audio (0 without padding).
    /// They are kept, not cut: a bidirectional model may fire the first word's spike there,
    /// before the word's onset. Frame <see cref="LeadInFrames"/> starts with the audio.
    /// </summary>
    public int LeadInFrames { get; init; }

    /// <summary>
    /// The outputs this one was merged from, each on its own frames, when the merge leaves the
    /// choice of transcript to the decoder (<see cref="CtcCombination.Rescore"/>); null otherwise.
    /// </summary>
    public IReadOnlyList<AcousticOutput>? Members { get; init; }

    /// <summary>Seconds from the start of the audio to the start of frame 0 (0 or negative).</summary>
    public double StartSeconds => -LeadInFrames * FrameSeconds;

    /// <summary>The log-probabilities of frame <paramref name="t"/>.</summary>
    public ReadOnlySpan<float> Frame(int t) => LogProbs.AsSpan(t * Vocab, Vocab);
}
