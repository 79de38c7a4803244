namespace Pipelines.Speech.Training;

/// <summary>Held-out figures of a digits model.</summary>
/// <param name="Speaker">The speaker the clips come from.</param>
/// <param name="SingleClips">Single-digit clips evaluated.</param>
/// <param name="SingleAccuracy">Fraction of single clips decoded as exactly their one digit.</param>
/// <param name="Sequences">Joined connected-digit utterances evaluated.</param>
/// <param name="SequenceDigits">Reference digits in those utterances.</param>
/// <param name="DigitErrorRate">Edit distance over reference digits on the joined utterances.</param>
/// <param name="SequenceAccuracy">Fraction of joined utterances decoded exactly.</param>
/// <param name="LongSeconds">Duration of one long connected-digit recording built from the same clips.</param>
/// <param name="LongDigits">Digits in it.</param>
/// <param name="LongDigitErrorRate">Digit error rate of decoding it whole (no segmentation).</param>
/// <param name="LongRealTimeFactor">Seconds spent on features, model and greedy decoding per second of
/// its audio, one utterance at a time on this machine.</param>
public sealed record DigitsEvaluation(
    string Speaker, int SingleClips, double SingleAccuracy, int Sequences, int SequenceDigits,
    double DigitErrorRate, double SequenceAccuracy,
    double LongSeconds, int LongDigits, double LongDigitErrorRate, double LongRealTimeFactor);
