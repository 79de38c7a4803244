namespace Pipelines.Speech.Decoding;

/// <summary>Turns per-frame CTC log-probabilities into a label sequence (blanks removed).</summary>
public interface ICtcDecoder
{
    /// <summary>The decoded labels of <paramref name="logProbs"/>, word separators included.</summary>
    int[] Decode(LogProbMatrix logProbs);
}
