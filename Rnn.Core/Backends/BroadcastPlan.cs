namespace Rnn.Core;

/// <summary>
/// Precomputed index arithmetic for a broadcast of a and b to an output shape: the output is
/// walked as [outer, inner] where inner is its last dimension, and each outer row maps to a
/// start offset in a and in b.
/// </summary>
internal readonly struct BroadcastPlan
{
    private readonly int[] outShape;
    private readonly int[] aStrides;
    private readonly int[] bStrides;

    private BroadcastPlan(int[] outShape, int[] aStrides, int[] bStrides)
    {
        this.outShape = outShape;
        this.aStrides = aStrides;
        this.bStrides = bStrides;
    }

    public int InnerLength => outShape.Length == 0 ? 1 : outShape[^1];

    public int AInnerStride => aStrides.Length == 0 ? 0 : aStrides[^1];

    public int BInnerStride => bStrides.Length == 0 ? 0 : bStrides[^1];

    public static BroadcastPlan Create(ReadOnlySpan<int> a, ReadOnlySpan<int> b, ReadOnlySpan<int> output)
    {
        int[] expected = Shape.Broadcast(Shape.Broadcast(a, b), output);
        if (!Shape.SameAs(expected, output))
        {
            throw new ArgumentException(
                $"shapes {Shape.Format(a)} and {Shape.Format(b)} do not broadcast to {Shape.Format(output)}");
        }

        return new BroadcastPlan(output.ToArray(), StridesFor(a, output), StridesFor(b, output));
    }

    /// <summary>Start offsets in a and b of output row <paramref name="outer"/>.</summary>
    public void Offsets(int outer, out int aOffset, out int bOffset)
    {
        aOffset = 0;
        bOffset = 0;
        for (int i = outShape.Length - 2; i >= 0; i--)
        {
            int idx = outer % outShape[i];
            outer /= outShape[i];
            aOffset += idx * aStrides[i];
            bOffset += idx * bStrides[i];
        }
    }

    // Strides of x aligned to the output's rank, 0 where x is broadcast.
    private static int[] StridesFor(ReadOnlySpan<int> x, ReadOnlySpan<int> output)
    {
        int rank = output.Length;
        var strides = new int[rank];
        int s = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            int xi = i - (rank - x.Length);
            int dim = xi >= 0 ? x[xi] : 1;
            strides[i] = dim == 1 ? 0 : s;
            s *= dim;
        }

        return strides;
    }
}
