using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Core.Cpu;

/// <summary>
/// GEMMs whose C has only a few rows (one sequence stepping through an RNN at batch 1 is a
/// GEMV). Packing op(B) into panels costs as much as such a product itself, so these read B in
/// place: with B transposed each C element is a dot product along a contiguous row of B; without,
/// each C row is a sum of contiguous B rows scaled by A's entries. op(A) is first copied (alpha
/// folded in) into a small contiguous buffer. 256-bit vectors on both SIMD paths.
/// </summary>
internal static class SmallGemm
{
    /// <summary>The most rows of C this path takes; above it the packed kernels win.</summary>
    public const int MaxRows = 4;

    // Below this many multiply-adds the columns are not split over threads: waking a second
    // thread costs more than the ~30 us a 1x1024x256 product takes on one.
    private const long ParallelMacs = 1L << 19;

    public static bool Fits(in GemmArgs g) => g.M is > 0 and <= MaxRows && g.N > 0 && g.K > 0 && g.Alpha != 0f;

    public static void Run(in GemmArgs g, ParallelOptions? parallel)
    {
        float[] a = ArrayPool<float>.Shared.Rent(g.M * g.K);
        try
        {
            PackA(g, a);
            int threads = parallel?.MaxDegreeOfParallelism ?? 1;
            if (threads < 2 || (long)g.M * g.N * g.K < ParallelMacs)
            {
                Columns(g, a, 0, g.N);
                return;
            }

            ColumnTasks.Execute(g, a, threads);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(a);
        }
    }

    // Chunks of whole 32-column blocks, so no two threads write one cache line of C; the task
    // object is reused per thread, so a batch-1 step allocates nothing.
    private sealed class ColumnTasks : IForkJoinBody
    {
        [ThreadStatic]
        private static ColumnTasks? cached;

        private GemmArgs g;
        private float[] a = Array.Empty<float>();
        private int blocks, chunks;

        public static void Execute(in GemmArgs g, float[] a, int threads)
        {
            var t = cached ?? new ColumnTasks();
            cached = null;
            (t.g, t.a) = (g, a);
            t.blocks = (g.N + 31) / 32;
            t.chunks = Math.Min(t.blocks, threads);
            ForkJoin.Run(t, t.chunks, threads);
            (t.g, t.a) = (default, Array.Empty<float>());
            cached = t;
        }

        public void Run(int task)
        {
            int from = Math.Min(g.N, blocks * task / chunks * 32);
            int to = Math.Min(g.N, blocks * (task + 1) / chunks * 32);
            Columns(g, a, from, to);
        }
    }

    // a[i*K + p] = alpha * op(A)[i, p].
    private static void PackA(in GemmArgs g, float[] a)
    {
        for (int i = 0; i < g.M; i++)
        {
            for (int p = 0; p < g.K; p++)
            {
                float v = g.TransA ? g.A[g.AOff + p * g.Lda + i] : g.A[g.AOff + i * g.Lda + p];
                a[i * g.K + p] = g.Alpha * v;
            }
        }
    }

    private static void Columns(in GemmArgs g, float[] a, int j0, int j1)
    {
        if (g.TransB)
        {
            DotColumns(g, a, j0, j1);
        }
        else
        {
            AxpyColumns(g, a, j0, j1);
        }
    }

    // op(B) = B^T: C[i, j] = dot(a_i, B row j), four rows of B at a time so each a_i load feeds four FMAs.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotColumns(in GemmArgs g, float[] a, int j0, int j1)
    {
        int k = g.K;
        ref float a0 = ref MemoryMarshal.GetArrayDataReference(a);
        ref float bBase = ref MemoryMarshal.GetArrayDataReference(g.B);
        ref float cBase = ref MemoryMarshal.GetArrayDataReference(g.C);
        int j = j0;
        for (; j + 4 <= j1; j += 4)
        {
            ref float b0 = ref Unsafe.Add(ref bBase, g.BOff + (nint)j * g.Ldb);
            ref float b1 = ref Unsafe.Add(ref b0, g.Ldb);
            ref float b2 = ref Unsafe.Add(ref b1, g.Ldb);
            ref float b3 = ref Unsafe.Add(ref b2, g.Ldb);
            for (int i = 0; i < g.M; i++)
            {
                ref float ai = ref Unsafe.Add(ref a0, i * k);
                var s0 = Vector256<float>.Zero;
                var s1 = Vector256<float>.Zero;
                var s2 = Vector256<float>.Zero;
                var s3 = Vector256<float>.Zero;
                int p = 0;
                for (; p + 8 <= k; p += 8)
                {
                    var av = Vector256.LoadUnsafe(ref ai, (nuint)p);
                    s0 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref b0, (nuint)p), s0);
                    s1 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref b1, (nuint)p), s1);
                    s2 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref b2, (nuint)p), s2);
                    s3 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref b3, (nuint)p), s3);
                }

                float d0 = Vector256.Sum(s0), d1 = Vector256.Sum(s1), d2 = Vector256.Sum(s2), d3 = Vector256.Sum(s3);
                for (; p < k; p++)
                {
                    float av = Unsafe.Add(ref ai, p);
                    d0 += av * Unsafe.Add(ref b0, p);
                    d1 += av * Unsafe.Add(ref b1, p);
                    d2 += av * Unsafe.Add(ref b2, p);
                    d3 += av * Unsafe.Add(ref b3, p);
                }

                ref float c = ref Unsafe.Add(ref cBase, g.COff + (nint)i * g.Ldc + j);
                Put(ref c, d0, g.Beta);
                Put(ref Unsafe.Add(ref c, 1), d1, g.Beta);
                Put(ref Unsafe.Add(ref c, 2), d2, g.Beta);
                Put(ref Unsafe.Add(ref c, 3), d3, g.Beta);
            }
        }

        for (; j < j1; j++)
        {
            ref float bj = ref Unsafe.Add(ref bBase, g.BOff + (nint)j * g.Ldb);
            for (int i = 0; i < g.M; i++)
            {
                float d = 0f;
                for (int p = 0; p < k; p++)
                {
                    d += Unsafe.Add(ref a0, i * k + p) * Unsafe.Add(ref bj, p);
                }

                Put(ref Unsafe.Add(ref cBase, g.COff + (nint)i * g.Ldc + j), d, g.Beta);
            }
        }
    }

    // op(B) = B: C row i over columns [j, j+32) = sum over p of a[i, p] * B row p, kept in four vectors.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AxpyColumns(in GemmArgs g, float[] a, int j0, int j1)
    {
        int k = g.K;
        ref float a0 = ref MemoryMarshal.GetArrayDataReference(a);
        ref float bBase = ref MemoryMarshal.GetArrayDataReference(g.B);
        ref float cBase = ref MemoryMarshal.GetArrayDataReference(g.C);
        for (int i = 0; i < g.M; i++)
        {
            ref float ai = ref Unsafe.Add(ref a0, i * k);
            ref float ci = ref Unsafe.Add(ref cBase, g.COff + (nint)i * g.Ldc);
            int j = j0;
            for (; j + 32 <= j1; j += 32)
            {
                ref float bj = ref Unsafe.Add(ref bBase, g.BOff + j);
                Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
                for (int p = 0; p < k; p++)
                {
                    var av = Vector256.Create(Unsafe.Add(ref ai, p));
                    ref float row = ref Unsafe.Add(ref bj, (nint)p * g.Ldb);
                    s0 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref row), s0);
                    s1 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref row, 8), s1);
                    s2 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref row, 16), s2);
                    s3 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref row, 24), s3);
                }

                ref float c = ref Unsafe.Add(ref ci, j);
                Put(ref c, s0, g.Beta);
                Put(ref Unsafe.Add(ref c, 8), s1, g.Beta);
                Put(ref Unsafe.Add(ref c, 16), s2, g.Beta);
                Put(ref Unsafe.Add(ref c, 24), s3, g.Beta);
            }

            for (; j + 8 <= j1; j += 8)
            {
                ref float bj = ref Unsafe.Add(ref bBase, g.BOff + j);
                var s = Vector256<float>.Zero;
                for (int p = 0; p < k; p++)
                {
                    s = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref ai, p)),
                        Vector256.LoadUnsafe(ref Unsafe.Add(ref bj, (nint)p * g.Ldb)), s);
                }

                Put(ref Unsafe.Add(ref ci, j), s, g.Beta);
            }

            for (; j < j1; j++)
            {
                float d = 0f;
                for (int p = 0; p < k; p++)
                {
                    d += Unsafe.Add(ref ai, p) * Unsafe.Add(ref bBase, g.BOff + (nint)p * g.Ldb + j);
                }

                Put(ref Unsafe.Add(ref ci, j), d, g.Beta);
            }
        }
    }

    // beta = 0 never reads C, so NaN in an uninitialised C cannot leak in.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(ref float c, float v, float beta) => c = beta == 0f ? v : v + beta * c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(ref float c, Vector256<float> v, float beta)
    {
        if (beta != 0f)
        {
            v = Vector256.FusedMultiplyAdd(Vector256.Create(beta), Vector256.LoadUnsafe(ref c), v);
        }

        v.StoreUnsafe(ref c);
    }
}
