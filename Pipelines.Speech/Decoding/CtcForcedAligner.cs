namespace Pipelines.Speech.Decoding;

/// <summary>
/// Viterbi (forced) alignment of a known label sequence against per-frame CTC log-probabilities:
/// the single most probable frame path that collapses to the labels. It tells, for each label,
/// the frames it occupies, which is what word timestamps and confidences are read from.
/// </summary>
/// <remarks>
/// The lattice is CTC's extended sequence blank, l1, blank, l2, ..., lL, blank (Graves et al.
/// 2006): a state may stay, step to the next, or skip a blank between two different labels. Time
/// O(time * labels); memory one byte of back-pointer per (frame, state).
/// </remarks>
public static class CtcForcedAligner
{
    /// <summary>Aligns <paramref name="labels"/> (no blanks) against <paramref name="logProbs"/>.</summary>
    /// <param name="logProbs">[time, vocab] log-probabilities.</param>
    /// <param name="labels">The label sequence to align; repeats are allowed.</param>
    /// <param name="blank">Class index of the blank.</param>
    /// <returns>One span per label, in order; empty for no labels.</returns>
    /// <exception cref="ArgumentException">
    /// The labels need more frames than there are (each label one frame, plus one blank between
    /// equal neighbours), or a label is the blank or out of range.
    /// </exception>
    public static CtcTokenSpan[] Align(LogProbMatrix logProbs, IReadOnlyList<int> labels, int blank)
    {
        ArgumentNullException.ThrowIfNull(labels);
        CheckLabels(logProbs, labels, blank);
        if (labels.Count == 0)
        {
            return Array.Empty<CtcTokenSpan>();
        }

        int states = 2 * labels.Count + 1;
        var back = new byte[logProbs.Time * states];   // [time, states]: how many states back we came from
        double[] score = Forward(logProbs, labels, blank, back);

        // The path must end on the last label or on the trailing blank.
        int last = score[states - 1] >= score[states - 2] ? states - 1 : states - 2;
        if (double.IsNegativeInfinity(score[last]))
        {
            throw new ArgumentException(
                $"{labels.Count} labels cannot be aligned in {logProbs.Time} frames (or every path has " +
                "probability 0)", nameof(labels));
        }

        return Backtrack(logProbs, labels, back, states, last);
    }

    private static void CheckLabels(LogProbMatrix logProbs, IReadOnlyList<int> labels, int blank)
    {
        for (int i = 0; i < labels.Count; i++)
        {
            int label = labels[i];
            if (label == blank || label < 0 || label >= logProbs.Vocab)
            {
                throw new ArgumentException(
                    $"label {i} is {label}; expected a non-blank class in [0, {logProbs.Vocab}) (blank is {blank})",
                    nameof(labels));
            }
        }
    }

    // Viterbi recursion over the extended sequence; returns the scores at the last frame.
    private static double[] Forward(LogProbMatrix logProbs, IReadOnlyList<int> labels, int blank, byte[] back)
    {
        int states = 2 * labels.Count + 1;
        var previous = new double[states];
        var current = new double[states];
        Array.Fill(previous, double.NegativeInfinity);
        if (logProbs.Time == 0)
        {
            return previous;
        }

        previous[0] = logProbs[0, blank];
        previous[1] = logProbs[0, labels[0]];
        for (int t = 1; t < logProbs.Time; t++)
        {
            for (int s = 0; s < states; s++)
            {
                int token = s % 2 == 0 ? blank : labels[s / 2];
                double best = previous[s];
                byte step = 0;
                if (s >= 1 && previous[s - 1] > best)
                {
                    best = previous[s - 1];
                    step = 1;
                }

                // Skipping the blank is allowed only between two different labels.
                if (s >= 2 && s % 2 == 1 && labels[s / 2] != labels[s / 2 - 1] && previous[s - 2] > best)
                {
                    best = previous[s - 2];
                    step = 2;
                }

                current[s] = best + logProbs[t, token];
                back[t * states + s] = step;
            }

            (previous, current) = (current, previous);
        }

        return previous;
    }

    private static CtcTokenSpan[] Backtrack(
        LogProbMatrix logProbs, IReadOnlyList<int> labels, byte[] back, int states, int last)
    {
        var start = new int[labels.Count];
        var end = new int[labels.Count];
        var sum = new double[labels.Count];
        int s = last;
        for (int t = logProbs.Time - 1; t >= 0; t--)
        {
            if (s % 2 == 1)
            {
                int i = s / 2;
                if (end[i] == 0)
                {
                    end[i] = t + 1;
                }

                start[i] = t;
                sum[i] += logProbs[t, labels[i]];
            }

            s -= back[t * states + s];
        }

        var spans = new CtcTokenSpan[labels.Count];
        for (int i = 0; i < spans.Length; i++)
        {
            spans[i] = new CtcTokenSpan(labels[i], start[i], end[i], sum[i]);
        }

        return spans;
    }
}
