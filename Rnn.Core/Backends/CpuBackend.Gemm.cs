using Rnn.Core.Cpu;

namespace Rnn.Core;

// GEMM on the CPU: argument checks at this edge, then the packed, cache-blocked kernels of
// Cpu/PackedGemm.cs on the instruction set chosen by Simd. GemmReference keeps the first,
// plain loop nest as the reference the tests compare against.
public sealed partial class CpuBackend
{
    public void Gemm(
        bool transA, bool transB, int m, int n, int k, float alpha,
        Tensor a, int aOffset, int lda,
        Tensor b, int bOffset, int ldb,
        float beta, Tensor c, int cOffset, int ldc)
    {
        BackendChecks.Gemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        GemmCore(
            transA, transB, m, n, k, alpha,
            Raw(a), a.Offset + aOffset, lda,
            Raw(b), b.Offset + bOffset, ldb,
            beta, Raw(c), c.Offset + cOffset, ldc, Parallel);
    }

    /// <summary>
    /// C = alpha * op(A) * op(B) + beta * C + bias, the bias [n] (from biasOffset) added to every
    /// row: a Gemm with the bias added tile by tile as C is written, so no separate pass writes
    /// the bias over C for the GEMM to read back (an LSTM's input projection: C is 52 MB).
    /// </summary>
    internal void GemmBias(
        bool transA, bool transB, int m, int n, int k, float alpha,
        Tensor a, int aOffset, int lda,
        Tensor b, int bOffset, int ldb,
        Tensor bias, int biasOffset,
        float beta, Tensor c, int cOffset, int ldc)
    {
        BackendChecks.Gemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        BackendChecks.Matrix("bias", bias, biasOffset, Math.Max(1, n), 1, n);
        var args = new GemmArgs(transA, transB, m, n, k, alpha, Raw(a), a.Offset + aOffset, lda,
            Raw(b), b.Offset + bOffset, ldb, beta, Raw(c), c.Offset + cOffset, ldc,
            Raw(bias), bias.Offset + biasOffset);
        PackedGemm.Run(Simd, args, Threads > 1 ? Parallel : null);
    }

    public void GemmStridedBatched(
        bool transA, bool transB, int m, int n, int k, float alpha,
        Tensor a, int aOffset, int lda, long strideA,
        Tensor b, int bOffset, int ldb, long strideB,
        float beta, Tensor c, int cOffset, int ldc, long strideC,
        int batchCount)
    {
        BackendChecks.GemmStridedBatched(transA, transB, m, n, k, a, aOffset, lda, strideA,
            b, bOffset, ldb, strideB, c, cOffset, ldc, strideC, batchCount);
        if (batchCount == 0)
        {
            return;
        }

        float[] av = Raw(a), bv = Raw(b), cv = Raw(c);
        int ao = a.Offset + aOffset, bo = b.Offset + bOffset, co = c.Offset + cOffset;

        // Many small products (attention scores, per-sample convolutions): one thread each, as
        // long as the C matrices do not overlap (stride 0 sums into one C, which must stay
        // serial). Few large ones: one after another, each parallel inside.
        bool disjoint = Math.Abs(strideC) >= (long)(m - 1) * ldc + n;
        bool perMatrix = Threads > 1 && batchCount >= Threads && disjoint && (long)m * n * k < 1L << 21;
        if (perMatrix)
        {
            System.Threading.Tasks.Parallel.For(0, batchCount, Parallel, i =>
                GemmCore(transA, transB, m, n, k, alpha,
                    av, (int)(ao + i * strideA), lda, bv, (int)(bo + i * strideB), ldb,
                    beta, cv, (int)(co + i * strideC), ldc, null));
            return;
        }

        for (int i = 0; i < batchCount; i++)
        {
            GemmCore(transA, transB, m, n, k, alpha,
                av, (int)(ao + i * strideA), lda, bv, (int)(bo + i * strideB), ldb,
                beta, cv, (int)(co + i * strideC), ldc, Parallel);
        }
    }

    /// <summary>
    /// Packs op(B) [k, n] for later <see cref="GemmPacked"/> calls that share it (a recurrent
    /// weight across the steps of a sequence). The caller disposes it, and must not change B's
    /// values while it is in use.
    /// </summary>
    internal PackedB PackGemmB(bool transB, int n, int k, Tensor b, int bOffset, int ldb)
    {
        BackendChecks.Matrix("B", b, bOffset, ldb, transB ? n : k, transB ? k : n);
        return new PackedB(Simd, transB, n, k, b, bOffset, ldb);
    }

    /// <summary>C = alpha * op(A) * op(B) + beta * C with op(B) from <see cref="PackGemmB"/>.</summary>
    internal void GemmPacked(
        bool transA, int m, float alpha, Tensor a, int aOffset, int lda,
        PackedB b, float beta, Tensor c, int cOffset, int ldc)
    {
        if (b.Simd != Simd)
        {
            throw new ArgumentException($"B was packed for {b.Simd}, this backend runs {Simd}", nameof(b));
        }

        var src = b.Source;
        BackendChecks.Gemm(transA, b.TransB, m, b.N, b.K, a, aOffset, lda, src, b.SourceOffset, b.Ldb, c, cOffset, ldc);
        var args = new GemmArgs(transA, b.TransB, m, b.N, b.K, alpha, Raw(a), a.Offset + aOffset, lda,
            Raw(src), src.Offset + b.SourceOffset, b.Ldb, beta, Raw(c), c.Offset + cOffset, ldc);
        PackedGemm.Run(Simd, args, Threads > 1 ? Parallel : null, b);
    }

    // The GEMM every CPU kernel calls on raw, already checked arrays; parallel null means this
    // thread only. C must not overlap A or B.
    internal void GemmCore(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
        float beta, float[] c, int cOff, int ldc, ParallelOptions? parallel)
    {
        var args = new GemmArgs(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        PackedGemm.Run(Simd, args, Threads > 1 ? parallel : null);
    }

    /// <summary>The plain reference GEMM (row-major, optional transposes), parallel over rows of C.</summary>
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
