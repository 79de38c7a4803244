namespace Pipelines.Speech.Decoding;

/// <summary>
/// The frames a CTC alignment gives to one emitted token: the run of frames
/// [<see cref="StartFrame"/>, <see cref="EndFrame"/>) where the path stays on it.
/// </summary>
/// <param name="Token">Class index of the token.</param>
/// <param name="StartFrame">First frame of the token's run.</param>
/// <param name="EndFrame">One past the last frame of the run (so the run is never empty).</param>
/// <param name="LogProbSum">Sum of log p(token | frame) over the run's frames.</param>
public readonly record struct CtcTokenSpan(int Token, int StartFrame, int EndFrame, double LogProbSum)
{
    /// <summary>Number of frames in the run (at least 1).</summary>
    public int Frames => EndFrame - StartFrame;
}
