using ILGPU;

namespace Rnn.Cuda.Kernels;

/// <summary>
/// Tiled GEMM for accelerators without cuBLAS (the CPU simulation): each group computes a
/// Tile x Tile block of C, staging Tile-wide slices of A and B through shared memory so each
/// element loaded from global memory is used Tile times (the classic blocking of Volkov and
/// Demmel 2008). Grid z is the batch index of a strided batched GEMM.
/// </summary>
internal static class GemmKernels
{
    public const int Tile = 8;

    public static void Gemm(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArgs p)
    {
        var tileA = SharedMemory.Allocate<float>(Tile * Tile);
        var tileB = SharedMemory.Allocate<float>(Tile * Tile);
        int tx = Group.IdxX;
        int ty = Group.IdxY;
        int col = Grid.IdxX * Tile + tx;
        int row = Grid.IdxY * Tile + ty;
        int z = Grid.IdxZ;
        long aBase = p.AOffset + z * p.StrideA;
        long bBase = p.BOffset + z * p.StrideB;
        float acc = 0f;
        for (int k0 = 0; k0 < p.K; k0 += Tile)
        {
            int ka = k0 + tx;
            float av = 0f;
            if (row < p.M && ka < p.K)
            {
                av = a[aBase + (p.TransA != 0 ? (long)ka * p.Lda + row : (long)row * p.Lda + ka)];
            }

            int kb = k0 + ty;
            float bv = 0f;
            if (kb < p.K && col < p.N)
            {
                bv = b[bBase + (p.TransB != 0 ? (long)col * p.Ldb + kb : (long)kb * p.Ldb + col)];
            }

            tileA[ty * Tile + tx] = av;
            tileB[ty * Tile + tx] = bv;
            Group.Barrier();
            for (int t = 0; t < Tile; t++)
            {
                acc += tileA[ty * Tile + t] * tileB[t * Tile + tx];
            }

            Group.Barrier();
        }

        if (row < p.M && col < p.N)
        {
            long at = p.COffset + z * p.StrideC + (long)row * p.Ldc + col;

            // beta = 0 ignores C's contents, NaN included (the BLAS convention).
            c[at] = p.Beta == 0f ? p.Alpha * acc : p.Alpha * acc + p.Beta * c[at];
        }
    }
}

/// <summary>Arguments of <see cref="GemmKernels.Gemm"/>; offsets are absolute in the storages.</summary>
internal struct GemmArgs
{
    public int TransA, TransB, M, N, K, Lda, Ldb, Ldc;
    public float Alpha, Beta;
    public long AOffset, BOffset, COffset, StrideA, StrideB, StrideC;
}
