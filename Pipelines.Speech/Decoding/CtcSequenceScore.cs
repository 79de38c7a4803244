namespace Pipelines.Speech.Decoding;

/// <summary>
/// How well a label sequence explains per-frame CTC log-probabilities: log P(labels | frames),
/// summed over every alignment that collapses to the labels (the CTC forward algorithm of
/// Graves et al. 2006). Unlike comparing frames, it does not care on which frame a model fires a
/// label, so it can compare models (or test-time variants of one) whose spikes fall on different
/// frames or whose frames are of different lengths.
/// </summary>
public static class CtcSequenceScore
{
    /// <summary>log P(<paramref name="labels"/> | <paramref name="logProbs"/>); -inf when no path fits.</summary>
    /// <param name="logProbs">[time, vocab] log-probabilities.</param>
    /// <param name="labels">The label sequence (no blanks); empty scores the all-blank path.</param>
    /// <param name="blank">Class index of the blank.</param>
    /// <exception cref="ArgumentException">A label is the blank or out of range.</exception>
    public static double LogLikelihood(LogProbMatrix logProbs, IReadOnlyList<int> labels, int blank)
    {
        ArgumentNullException.ThrowIfNull(labels);
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] == blank || labels[i] < 0 || labels[i] >= logProbs.Vocab)
            {
                throw new ArgumentException(
                    $"label {i} is {labels[i]}; expected a non-blank class in [0, {logProbs.Vocab}) (blank is {blank})",
                    nameof(labels));
            }
        }

        // States of the extended sequence: blank, l1, blank, l2, ..., lL, blank.
        int states = 2 * labels.Count + 1;
        if (logProbs.Time == 0)
        {
            return labels.Count == 0 ? 0 : double.NegativeInfinity;
        }

        int Token(int s) => s % 2 == 0 ? blank : labels[s / 2];
        var alpha = new double[states];
        var next = new double[states];
        Array.Fill(alpha, double.NegativeInfinity);
        alpha[0] = logProbs[0, blank];
        if (states > 1) alpha[1] = logProbs[0, labels[0]];
        for (int t = 1; t < logProbs.Time; t++)
        {
            for (int s = 0; s < states; s++)
            {
                double a = alpha[s];
                if (s >= 1) a = LogMath.Add(a, alpha[s - 1]);

                // Skipping the blank is allowed only between two different labels.
                if (s >= 2 && s % 2 == 1 && labels[s / 2] != labels[s / 2 - 1]) a = LogMath.Add(a, alpha[s - 2]);
                next[s] = a + logProbs[t, Token(s)];
            }

            (alpha, next) = (next, alpha);
        }

        return states > 1 ? LogMath.Add(alpha[states - 1], alpha[states - 2]) : alpha[0];
    }
}
