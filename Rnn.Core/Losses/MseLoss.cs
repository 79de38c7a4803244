namespace Rnn.Core.Losses;

/// <summary>Mean squared error, (prediction - target)^2, differentiable in both arguments.</summary>
public static class MseLoss
{
    /// <summary>Computes the loss; the shapes must match exactly (no broadcasting surprises).</summary>
    /// <param name="prediction">Model output.</param>
    /// <param name="target">Desired output, same shape.</param>
    /// <param name="reduction">Mean or Sum over all elements, or None (the squared errors, same shape).</param>
    public static Tensor Compute(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean)
    {
        LossHelpers.CheckSameShape(prediction, target, "MSE");
        var squared = Ops.Square(Ops.Sub(prediction, target));
        return reduction switch
        {
            Reduction.Mean => Ops.Mean(squared),
            Reduction.Sum => Ops.Sum(squared),
            _ => squared,
        };
    }
}
