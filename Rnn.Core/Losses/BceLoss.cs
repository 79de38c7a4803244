namespace Rnn.Core.Losses;

/// <summary>
/// Binary cross-entropy on probabilities p in [0, 1]: -(t log p + (1 - t) log(1 - p)), with each
/// log clamped at -100 as PyTorch does so p = 0 or 1 gives a finite loss. Prefer
/// <see cref="BceWithLogitsLoss"/> when the model ends in a sigmoid: it is more accurate.
/// </summary>
public static class BceLoss
{
    /// <summary>Computes the loss; the gradient flows to the probabilities only.</summary>
    /// <param name="probabilities">Predicted p, each in [0, 1].</param>
    /// <param name="target">Targets t in [0, 1], same shape.</param>
    /// <param name="reduction">Mean, Sum, or None (same shape as the input).</param>
    public static Tensor Compute(Tensor probabilities, Tensor target, Reduction reduction = Reduction.Mean)
    {
        LossHelpers.CheckSameShape(probabilities, target, "BCE");
        float[] p = probabilities.ToArray();
        float[] t = target.ToArray();
        var losses = new double[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            if (!(p[i] >= 0f && p[i] <= 1f))
            {
                throw new ArgumentOutOfRangeException(
                    nameof(probabilities),
                    $"BCE needs probabilities in [0, 1]; element {i} is {p[i]} (use BceWithLogitsLoss for logits)");
            }

            double logP = Math.Max(Math.Log(p[i]), -100);
            double log1mP = Math.Max(Math.Log(1 - (double)p[i]), -100);
            losses[i] = -(t[i] * logP + (1 - t[i]) * log1mP);
        }

        var output = LossHelpers.Output(probabilities.Backend, losses, reduction, p.Length);
        if (reduction == Reduction.None)
        {
            output = output.View(probabilities.ShapeArray);
        }

        LossHelpers.Record(output, probabilities, () =>
        {
            // dL/dp = (p - t) / (p (1 - p)), the denominator floored at 1e-12 (PyTorch's choice).
            var w = LossHelpers.UpstreamWeights(output, p.Length, reduction, p.Length);
            var grad = new float[p.Length];
            for (int i = 0; i < p.Length; i++)
            {
                double denom = Math.Max((double)p[i] * (1 - (double)p[i]), 1e-12);
                grad[i] = (float)(w[i] * (p[i] - t[i]) / denom);
            }

            return grad;
        });
        return output;
    }
}
