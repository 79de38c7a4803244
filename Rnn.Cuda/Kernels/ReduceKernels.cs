using ILGPU;

namespace Rnn.Cuda.Kernels;

/// <summary>
/// Reductions, row-wise softmax and row indexing. Row kernels run one thread per row (rows are
/// many and short in this library: batch x classes); whole-tensor sums run a fixed number of
/// threads that each sum a strided share, and the host adds the partial sums.
/// </summary>
internal static class ReduceKernels
{
    /// <summary>partial[t] = sum of x[t], x[t + P], ... for P = partial.Length (b is ignored unless dot).</summary>
    public static void PartialSums(Index1D t, ArrayView<float> a, ArrayView<float> b, ArrayView<float> partial, int dot)
    {
        int p = (int)partial.Length;
        float sum = 0f;
        for (int i = t; i < a.Length; i += p)
        {
            sum += dot != 0 ? a[i] * b[i] : a[i];
        }

        partial[t] = sum;
    }

    /// <summary>
    /// dst[j] (+)= sum of the src elements that broadcasting maps onto dst element j. Axes where
    /// dst (aligned to src's rank) has size 1 but src does not are summed over.
    /// </summary>
    public static void SumTo(Index1D j, ArrayView<float> src, ArrayView<float> dst, SumToPlan p)
    {
        float sum = 0f;
        for (int r = 0; r < p.ReducedCount; r++)
        {
            int restJ = j;
            int restR = r;
            int offset = 0;
            int stride = 1;
            for (int axis = p.Rank - 1; axis >= 0; axis--)
            {
                int size = p.SrcShape.Get(axis);
                int idx;
                if (p.DstShape.Get(axis) == size)
                {
                    idx = restJ % size;
                    restJ /= size;
                }
                else
                {
                    idx = restR % size;
                    restR /= size;
                }

                offset += idx * stride;
                stride *= size;
            }

            sum += src[offset];
        }

        dst[j] = p.Accumulate != 0 ? dst[j] + sum : sum;
    }

    public static void RowMax(Index1D r, ArrayView<float> x, ArrayView<float> y, int cols)
    {
        int start = r * cols;
        float max = x[start];
        for (int c = 1; c < cols; c++)
        {
            max = MathF.Max(max, x[start + c]);
        }

        y[r] = max;
    }

    public static void Softmax(Index1D r, ArrayView<float> x, ArrayView<float> y, int cols)
    {
        int start = r * cols;
        float max = x[start];
        for (int c = 1; c < cols; c++)
        {
            max = MathF.Max(max, x[start + c]);
        }

        // Shifting by the row maximum keeps exp from overflowing; the result is unchanged.
        float sum = 0f;
        for (int c = 0; c < cols; c++)
        {
            float e = MathF.Exp(x[start + c] - max);
            y[start + c] = e;
            sum += e;
        }

        float inv = 1f / sum;
        for (int c = 0; c < cols; c++)
        {
            y[start + c] *= inv;
        }
    }

    public static void LogSoftmax(Index1D r, ArrayView<float> x, ArrayView<float> y, int cols)
    {
        int start = r * cols;
        float max = x[start];
        for (int c = 1; c < cols; c++)
        {
            max = MathF.Max(max, x[start + c]);
        }

        double sum = 0;
        for (int c = 0; c < cols; c++)
        {
            sum += Math.Exp(x[start + c] - max);
        }

        float shift = max + (float)Math.Log(sum);
        for (int c = 0; c < cols; c++)
        {
            y[start + c] = x[start + c] - shift;
        }
    }

    public static void SoftmaxBackward(
        Index1D r, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int cols)
    {
        int start = r * cols;
        float dot = 0f;
        for (int c = 0; c < cols; c++)
        {
            dot += y[start + c] * dy[start + c];
        }

        for (int c = 0; c < cols; c++)
        {
            dx[start + c] += y[start + c] * (dy[start + c] - dot);
        }
    }

    public static void LogSoftmaxBackward(
        Index1D r, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int cols)
    {
        int start = r * cols;
        float sum = 0f;
        for (int c = 0; c < cols; c++)
        {
            sum += dy[start + c];
        }

        for (int c = 0; c < cols; c++)
        {
            dx[start + c] += dy[start + c] - MathF.Exp(y[start + c]) * sum;
        }
    }

    /// <summary>y[i] = table[indices[i / cols], i % cols]: one thread per output element.</summary>
    public static void GatherRows(
        Index1D i, ArrayView<float> table, ArrayView<int> indices, ArrayView<float> y, int cols)
    {
        int row = i / cols;
        y[i] = table[indices[row] * cols + (i - row * cols)];
    }

    /// <summary>
    /// One thread per column walks the indices in order, so repeated indices add up without
    /// atomics and in the same order every run.
    /// </summary>
    public static void ScatterAddRows(
        Index1D col, ArrayView<float> dy, ArrayView<int> indices, ArrayView<float> grad, int cols)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            int row = indices[i];
            if (row >= 0)
            {
                grad[row * cols + col] += dy[i * cols + col];
            }
        }
    }
}

/// <summary>Arguments of <see cref="ReduceKernels.SumTo"/>.</summary>
internal struct SumToPlan
{
    public int Rank;
    public int ReducedCount;
    public int Accumulate;
    public Dims SrcShape;
    public Dims DstShape;   // dst's shape aligned to src's rank (leading 1s added)
}
