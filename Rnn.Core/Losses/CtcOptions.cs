namespace Rnn.Core.Losses;

/// <summary>Options of <see cref="CtcLoss"/>.</summary>
public sealed record CtcOptions
{
    /// <summary>Class index of the blank symbol (0 by default, as PyTorch and most toolkits).</summary>
    public int Blank { get; init; }

    /// <summary>How per-sample losses combine: Mean over the batch (default), Sum, or None ([batch]).</summary>
    public Reduction Reduction { get; init; } = Reduction.Mean;

    /// <summary>
    /// Divide each sample's loss by its target length (at least 1) before reducing. With
    /// <see cref="Reduction.Mean"/> this is PyTorch's reduction='mean'.
    /// </summary>
    public bool DivideByTargetLength { get; init; }

    /// <summary>
    /// Replace infinite losses (a target that cannot be aligned in its input length) and their
    /// gradients by zero. Without it such a sample gives +inf loss and NaN gradients, as in PyTorch.
    /// </summary>
    public bool ZeroInfinity { get; init; }
}
