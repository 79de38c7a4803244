using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Rnn.Core;
using Rnn.Cuda.Kernels;

namespace Rnn.Cuda;

// GEMM: cuBLAS on a CUDA device, the tiled ILGPU kernel elsewhere. Our matrices are row-major
// and cuBLAS's column-major; a row-major matrix read as column-major is its transpose, so
// C = op(A) op(B) is computed as C^T = op(B)^T op(A)^T with the operands swapped.
public sealed partial class CudaBackend
{
    public void Gemm(
        bool transA, bool transB, int m, int n, int k, float alpha,
        Tensor a, int aOffset, int lda,
        Tensor b, int bOffset, int ldb,
        float beta, Tensor c, int cOffset, int ldc)
    {
        BackendChecks.Gemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        var args = Args(transA, transB, m, n, k, alpha,
            a, aOffset, lda, 0, b, bOffset, ldb, 0, beta, c, cOffset, ldc, 0);
        RunGemm(a, b, c, args, 1);
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

        if (m == 0 || n == 0)
        {
            return;
        }

        var args = Args(transA, transB, m, n, k, alpha, a, aOffset, lda, strideA, b, bOffset, ldb, strideB,
            beta, c, cOffset, ldc, strideC);

        // Overlapping C matrices (stride 0 sums into one C) must be written one after another.
        bool disjoint = Math.Abs(strideC) >= (long)(m - 1) * ldc + n;
        if (disjoint)
        {
            RunGemm(a, b, c, args, batchCount);
            return;
        }

        for (int i = 0; i < batchCount; i++)
        {
            var one = args;
            one.AOffset += i * strideA;
            one.BOffset += i * strideB;
            one.COffset += i * strideC;
            RunGemm(a, b, c, one, 1);
        }
    }

    private static GemmArgs Args(
        bool transA, bool transB, int m, int n, int k, float alpha,
        Tensor a, int aOffset, int lda, long strideA, Tensor b, int bOffset, int ldb, long strideB,
        float beta, Tensor c, int cOffset, int ldc, long strideC) => new()
    {
        TransA = transA ? 1 : 0, TransB = transB ? 1 : 0, M = m, N = n, K = k,
        Lda = lda, Ldb = ldb, Ldc = ldc, Alpha = alpha, Beta = beta,
        AOffset = a.Offset + aOffset, BOffset = b.Offset + bOffset, COffset = c.Offset + cOffset,
        StrideA = strideA, StrideB = strideB, StrideC = strideC,
    };

    private void RunGemm(Tensor a, Tensor b, Tensor c, GemmArgs p, int batchCount)
    {
        if (cublas is null)
        {
            int tile = GemmKernels.Tile;
            var grid = new Index3D((p.N + tile - 1) / tile, (p.M + tile - 1) / tile, batchCount);
            kernels.Gemm(Stream, new KernelConfig(grid, new Index3D(tile, tile, 1)), Whole(a), Whole(b), Whole(c), p);
            return;
        }

        var opA = p.TransA != 0 ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose;
        var opB = p.TransB != 0 ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose;
        for (int i = 0; i < batchCount; i++)
        {
            var av = From(a, p.AOffset + i * p.StrideA);
            var bv = From(b, p.BOffset + i * p.StrideB);
            var cv = From(c, p.COffset + i * p.StrideC);
            cublas.Gemm(opB, opA, p.N, p.M, p.K, p.Alpha, bv, p.Ldb, av, p.Lda, p.Beta, cv, p.Ldc);
        }
    }

    // The rest of a tensor's storage from an absolute element offset (cuBLAS reads by leading dimension).
    private ArrayView<float> From(Tensor t, long offset) =>
        StorageOf(t).View((int)offset, (int)(t.Storage.Length - offset));

}
