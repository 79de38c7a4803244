namespace Rnn.Core.Losses;

/// <summary>
/// Binary cross-entropy on logits x, sigmoid folded in, in the overflow-free form
/// max(x, 0) - x t + log(1 + exp(-|x|)); its gradient is sigmoid(x) - t.
/// </summary>
public static class BceWithLogitsLoss
{
    /// <summary>Computes the loss; the gradient flows to the logits only.</summary>
    /// <param name="logits">Raw scores x.</param>
    /// <param name="target">Targets t in [0, 1], same shape.</param>
    /// <param name="reduction">Mean, Sum, or None (same shape as the input).</param>
    public static Tensor Compute(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean)
    {
        LossHelpers.CheckSameShape(logits, target, "BCE-with-logits");
        float[] x = logits.ToArray();
        float[] t = target.ToArray();
        var losses = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double xi = x[i];
            losses[i] = Math.Max(xi, 0) - xi * t[i] + Math.Log(1 + Math.Exp(-Math.Abs(xi)));
        }

        var output = LossHelpers.Output(logits.Backend, losses, reduction, x.Length);
        if (reduction == Reduction.None)
        {
            output = output.View(logits.ShapeArray);
        }

        LossHelpers.Record(output, logits, () =>
        {
            var w = LossHelpers.UpstreamWeights(output, x.Length, reduction, x.Length);
            var grad = new float[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                grad[i] = w[i] * (Scalar.Sigmoid(x[i]) - t[i]);
            }

            return grad;
        });
        return output;
    }
}
