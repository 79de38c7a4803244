namespace Rnn.Core.Losses;

/// <summary>
/// Softmax cross-entropy on raw logits with integer class targets, with PyTorch's label
/// smoothing (the target becomes (1 - eps) one-hot + eps / classes) and an ignore index
/// (those rows add no loss and no gradient; the mean is over the other rows).
/// </summary>
/// <example>
/// <code>
/// // logits [N, classes], targets N class ids (padId rows ignored)
/// var loss = CrossEntropyLoss.Compute(logits, targets, labelSmoothing: 0.1f, ignoreIndex: padId);
/// </code>
/// </example>
public static class CrossEntropyLoss
{
    /// <summary>PyTorch's default ignore index.</summary>
    public const int DefaultIgnoreIndex = -100;

    /// <summary>Computes the loss.</summary>
    /// <param name="logits">[N, classes], or [..., classes] with N = the product of the leading dimensions.</param>
    /// <param name="targets">N class indices in [0, classes), or <paramref name="ignoreIndex"/>.</param>
    /// <param name="labelSmoothing">eps in [0, 1).</param>
    /// <param name="ignoreIndex">Target value whose rows are skipped.</param>
    /// <param name="reduction">
    /// Mean over non-ignored rows (0 when every row is ignored), Sum, or None ([N], 0 at ignored rows).
    /// </param>
    public static Tensor Compute(
        Tensor logits, int[] targets, float labelSmoothing = 0f,
        int ignoreIndex = DefaultIgnoreIndex, Reduction reduction = Reduction.Mean)
    {
        if (logits.Rank < 1 || logits.Dim(-1) < 1)
        {
            throw new ArgumentException($"cross-entropy needs logits [..., classes]; got {logits.Describe()}");
        }

        if (!(labelSmoothing >= 0f && labelSmoothing < 1f))
        {
            throw new ArgumentOutOfRangeException(
                nameof(labelSmoothing), $"label smoothing must be in [0, 1); got {labelSmoothing}");
        }

        int classes = logits.Dim(-1);
        int rows = logits.Length / classes;
        CheckTargets(logits, targets, rows, classes, ignoreIndex);

        var be = logits.Backend;
        var logProbs = be.Allocate(new[] { rows, classes });   // [N, classes]
        be.LogSoftmax(logits.View(rows, classes), logProbs);
        float[] lp = logProbs.ToArray();

        var losses = new double[rows];
        int counted = 0;
        double eps = labelSmoothing;
        for (int r = 0; r < rows; r++)
        {
            if (targets[r] == ignoreIndex)
            {
                continue;
            }

            counted++;
            double meanNll = 0;
            for (int k = 0; k < classes; k++)
            {
                meanNll -= lp[r * classes + k];
            }

            meanNll /= classes;
            losses[r] = (1 - eps) * -lp[r * classes + targets[r]] + eps * meanNll;
        }

        var output = LossHelpers.Output(be, losses, reduction, counted);
        LossHelpers.Record(output, logits, () =>
        {
            // d/dlogits = softmax - q, with q the smoothed target distribution.
            var w = LossHelpers.UpstreamWeights(output, rows, reduction, counted);
            var grad = new float[rows * classes];
            float offValue = (float)(eps / classes);
            for (int r = 0; r < rows; r++)
            {
                if (targets[r] == ignoreIndex || w[r] == 0f)
                {
                    continue;
                }

                for (int k = 0; k < classes; k++)
                {
                    float q = k == targets[r] ? (float)(1 - eps) + offValue : offValue;
                    grad[r * classes + k] = w[r] * (MathF.Exp(lp[r * classes + k]) - q);
                }
            }

            return grad;
        });
        return output;
    }

    private static void CheckTargets(Tensor logits, int[] targets, int rows, int classes, int ignoreIndex)
    {
        if (targets.Length != rows)
        {
            throw new ArgumentException(
                $"cross-entropy: logits {logits.Describe()} have {rows} rows but {targets.Length} targets were given");
        }

        for (int r = 0; r < rows; r++)
        {
            int t = targets[r];
            if (t != ignoreIndex && (t < 0 || t >= classes))
            {
                throw new ArgumentOutOfRangeException(
                    nameof(targets), $"target {r} is {t}; classes are 0..{classes - 1} (ignore index {ignoreIndex})");
            }
        }
    }
}
