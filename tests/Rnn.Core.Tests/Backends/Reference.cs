namespace Rnn.Core.Tests.Conformance;

// Plain host definitions of the memory, element-wise, reduction and GEMM contract, in double
// where a sum is involved.
public static partial class Reference
{
    /// <summary>C = alpha*op(A)*op(B) + beta*C by the definition, in double; beta = 0 ignores C.</summary>
    public static void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc)
    {
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double sum = 0;
            for (int p = 0; p < k; p++)
            {
                double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                double bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                sum += av * bv;
            }

            ref float cij = ref c[cOff + i * ldc + j];
            cij = (float)(alpha * sum + (beta == 0f ? 0.0 : (double)beta * cij));
        }
    }

    /// <summary>y = x with axes permuted, by index arithmetic on every output element.</summary>
    public static float[] Permute(float[] x, int[] shape, int[] perm)
    {
        int[] yShape = perm.Select(p => shape[p]).ToArray();
        int[] xStrides = Shape.Strides(shape);
        var y = new float[x.Length];
        var index = new int[shape.Length];
        for (int o = 0; o < y.Length; o++)
        {
            int rest = o;
            int src = 0;
            for (int i = shape.Length - 1; i >= 0; i--)
            {
                index[i] = rest % yShape[i];
                rest /= yShape[i];
                src += index[i] * xStrides[perm[i]];
            }

            y[o] = x[src];
        }

        return y;
    }

    /// <summary>Sum of src [srcShape] onto dst [dstShape] where dst broadcasts to src.</summary>
    public static float[] ReduceSumTo(float[] src, int[] srcShape, int[] dstShape)
    {
        var dst = new double[Shape.Size(dstShape)];
        int rank = srcShape.Length;
        int[] dstStrides = Shape.Strides(dstShape);
        for (int o = 0; o < src.Length; o++)
        {
            int rest = o;
            int d = 0;
            for (int i = rank - 1; i >= 0; i--)
            {
                int idx = rest % srcShape[i];
                rest /= srcShape[i];
                int di = i - (rank - dstShape.Length);
                if (di >= 0 && dstShape[di] != 1)
                {
                    d += idx * dstStrides[di];
                }
            }

            dst[d] += src[o];
        }

        return ToFloat(dst);
    }

    /// <summary>a op b with numpy broadcasting to cShape.</summary>
    public static float[] Binary(BinaryOp op, float[] a, int[] aShape, float[] b, int[] bShape, int[] cShape)
    {
        var c = new float[Shape.Size(cShape)];
        for (int o = 0; o < c.Length; o++)
        {
            c[o] = Scalar.Apply(op, a[BroadcastIndex(o, cShape, aShape)], b[BroadcastIndex(o, cShape, bShape)]);
        }

        return c;
    }

    // Index into x [xShape] of output element o of [outShape] under broadcasting.
    private static int BroadcastIndex(int o, int[] outShape, int[] xShape)
    {
        int rank = outShape.Length;
        int[] strides = Shape.Strides(xShape);
        int index = 0;
        for (int i = rank - 1; i >= 0; i--)
        {
            int idx = o % outShape[i];
            o /= outShape[i];
            int xi = i - (rank - xShape.Length);
            if (xi >= 0 && xShape[xi] != 1)
            {
                index += idx * strides[xi];
            }
        }

        return index;
    }

    /// <summary>Softmax of each row, in double.</summary>
    public static float[] Softmax(float[] x, int cols, bool log)
    {
        var y = new float[x.Length];
        for (int r = 0; r < x.Length / cols; r++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < cols; c++)
            {
                max = Math.Max(max, x[r * cols + c]);
            }

            double sum = 0;
            for (int c = 0; c < cols; c++)
            {
                sum += Math.Exp(x[r * cols + c] - max);
            }

            for (int c = 0; c < cols; c++)
            {
                double v = x[r * cols + c] - max;
                y[r * cols + c] = (float)(log ? v - Math.Log(sum) : Math.Exp(v) / sum);
            }
        }

        return y;
    }
}
