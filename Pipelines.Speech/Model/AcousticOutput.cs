namespace Pipelines.Speech.Model;

/// <summary>
/// What the acoustic model says about one utterance: per output frame, the log-probability of
/// each token (rows sum to 1 after exp), and how long a frame lasts.
/// </summary>
/// <param name="LogProbs">[time, vocab] row-major natural-log probabilities.</param>
/// <param name="Frames">Output frames (time).</param>
/// <param name="Vocab">Tokens per frame.</param>
/// <param name="FrameSeconds">Duration of one output frame; frame t starts at t * FrameSeconds.</param>
public sealed record AcousticOutput(float[] LogProbs, int Frames, int Vocab, double FrameSeconds)
{
    /// <summary>The log-probabilities of frame <paramref name="t"/>.</summary>
    public ReadOnlySpan<float> Frame(int t) => LogProbs.AsSpan(t * Vocab, Vocab);
}
