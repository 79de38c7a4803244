namespace Rnn.Core;

// GEMM on the CPU. This first version is a straightforward loop nest (i-k-j order so the inner
// loop streams rows of B and C) parallel over rows of C; the packed, register-blocked kernels
// replace it behind the same signature.
public sealed partial class CpuBackend
{
    public void Gemm(
        bool transA, bool transB, int m, int n, int k, float alpha,
        Tensor a, int aOffset, int lda,
        Tensor b, int bOffset, int ldb,
        float beta, Tensor c, int cOffset, int ldc)
    {
        GemmCore(
            transA, transB, m, n, k, alpha,
            Raw(a), a.Offset + aOffset, lda,
            Raw(b), b.Offset + bOffset, ldb,
            beta, Raw(c), c.Offset + cOffset, ldc, Parallel);
    }

    public void GemmStridedBatched(
        bool transA, bool transB, int m, int n, int k, float alpha,
        Tensor a, int aOffset, int lda, long strideA,
        Tensor b, int bOffset, int ldb, long strideB,
        float beta, Tensor c, int cOffset, int ldc, long strideC,
        int batchCount)
    {
        for (int i = 0; i < batchCount; i++)
        {
            Gemm(
                transA, transB, m, n, k, alpha,
                a, checked((int)(aOffset + i * strideA)), lda,
                b, checked((int)(bOffset + i * strideB)), ldb,
                beta, c, checked((int)(cOffset + i * strideC)), ldc);
        }
    }

    // The GEMM every CPU kernel calls on raw arrays; parallel is null to run on this thread only.
    internal void GemmCore(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
        float beta, float[] c, int cOff, int ldc, ParallelOptions? parallel)
    {
        GemmReference(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
            parallel ?? Serial);
    }

    private static readonly ParallelOptions Serial = new() { MaxDegreeOfParallelism = 1 };

    /// <summary>The plain reference GEMM (row-major, optional transposes).</summary>
    internal static void GemmReference(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
        float beta, float[] c, int cOff, int ldc, ParallelOptions parallel)
    {
        System.Threading.Tasks.Parallel.For(0, m, parallel, i =>
        {
            var row = c.AsSpan(cOff + i * ldc, n);
            if (beta == 0f)
            {
                row.Clear();
            }
            else if (beta != 1f)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
            }

            for (int p = 0; p < k; p++)
            {
                float av = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                if (av == 0f)
                {
                    continue;
                }

                if (!transB)
                {
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(
                        b.AsSpan(bOff + p * ldb, n), av, row, row);
                }
                else
                {
                    for (int j = 0; j < n; j++)
                    {
                        row[j] += av * b[bOff + j * ldb + p];
                    }
                }
            }
        });
    }
}
