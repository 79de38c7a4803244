using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Core.Cpu;

/// <summary>
/// A register-blocked GEMM micro-kernel: C[MR, NR] = sum over kc of a packed A column
/// (MR values) times a packed B row (NR values), then stored as acc + beta * C. The packed
/// layouts are a[p*MR + r] and b[p*NR + j] (see <see cref="PackedGemm"/>).
/// </summary>
internal interface IGemmKernel
{
    /// <summary>Rows of the C tile.</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the C tile.</summary>
    static abstract int NR { get; }

    /// <summary>Rows of A packed per block (a multiple of MR sized for L2).</summary>
    static abstract int MC { get; }

    /// <summary>
    /// One tile. beta = 0 writes acc without reading C (so NaN in uninitialised C cannot leak
    /// in); callers guarantee the whole MR x NR tile of C lies inside the matrix. Implementations
    /// are marked AggressiveOptimization so the JIT compiles them optimized at once instead of
    /// running slow tier-0 code for the first calls.
    /// </summary>
    static abstract void Run(int kc, ref float a, ref float b, ref float c, nint ldc, float beta);

    /// <summary>
    /// One row of A against one packed B panel: acc[j] += sum over p of a[p] * b[p*NR + j], for
    /// the NR floats at acc (a batch-1 recurrent step, where an MR-row tile would be mostly
    /// zero rows). Several independent accumulator sets over interleaved p keep the FMA
    /// pipelines full despite the single row.
    /// </summary>
    static abstract void RunRow(int kc, ref float a, ref float b, ref float acc);
}

/// <summary>The portable fallback: a 4x8 tile of plain float arithmetic.</summary>
internal readonly struct ScalarKernel : IGemmKernel
{
    public static int MR => 4;

    public static int NR => 8;

    public static int MC => 64;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, ref float a, ref float b, ref float c, nint ldc, float beta)
    {
        // Accumulators live in a stack tile: plain code has no register arrays, and 32 float
        // locals would spill anyway. Unsafe refs keep bounds checks out of the loop.
        Span<float> tile = stackalloc float[4 * 8];
        tile.Clear();
        ref float acc = ref MemoryMarshal.GetReference(tile);
        for (int p = 0; p < kc; p++)
        {
            for (int r = 0; r < 4; r++)
            {
                float ar = Unsafe.Add(ref a, r);
                ref float row = ref Unsafe.Add(ref acc, r * 8);
                for (int j = 0; j < 8; j++)
                {
                    Unsafe.Add(ref row, j) += ar * Unsafe.Add(ref b, j);
                }
            }

            a = ref Unsafe.Add(ref a, 4);
            b = ref Unsafe.Add(ref b, 8);
        }

        for (int r = 0; r < 4; r++)
        {
            ref float dst = ref Unsafe.Add(ref c, r * ldc);
            ref float src = ref Unsafe.Add(ref acc, r * 8);
            for (int j = 0; j < 8; j++)
            {
                ref float cij = ref Unsafe.Add(ref dst, j);
                cij = beta == 0f ? Unsafe.Add(ref src, j) : Unsafe.Add(ref src, j) + beta * cij;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunRow(int kc, ref float a, ref float b, ref float acc)
    {
        for (int p = 0; p < kc; p++)
        {
            float ap = Unsafe.Add(ref a, p);
            ref float row = ref Unsafe.Add(ref b, p * 8);
            for (int j = 0; j < 8; j++)
            {
                Unsafe.Add(ref acc, j) += ap * Unsafe.Add(ref row, j);
            }
        }
    }
}

/// <summary>
/// AVX2 + FMA: a 6x16 tile held in 12 ymm accumulators, leaving 2 for the B row and 1 for the
/// broadcast A value out of 16 registers (the shape BLIS uses on Haswell).
/// </summary>
internal readonly struct Avx2Kernel : IGemmKernel
{
    public static int MR => 6;

    public static int NR => 16;

    public static int MC => 120;

    // Called, not inlined (as the loop alone was too large to be): inlined into Multiply, the
    // loop reloaded its bound from the stack at every step.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void Run(int kc, ref float a, ref float b, ref float c, nint ldc, float beta) =>
        Tile<SixRows, NoPrefetch>(kc, ref a, ref b, ref c, ldc, beta, 0);

    /// <summary>
    /// <see cref="Run"/>, and every 4 steps a prefetch into L2 of a line at <paramref name="next"/>
    /// (advancing by a line, <see cref="PrefetchBytes"/> in all): the caller points it at the B
    /// panel its next calls read, which a recurrent step's GEMM otherwise streams from L3. Its own
    /// tile of C is fetched into L1 as it starts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void RunAhead(int kc, ref float a, ref float b, ref float c, nint ldc, float beta, nint next) =>
        Tile<SixRows, Prefetch>(kc, ref a, ref b, ref c, ldc, beta, next);

    /// <summary>Bytes <see cref="RunAhead"/> prefetches in a call of depth kc.</summary>
    public static int PrefetchBytes(int kc) => kc / 4 * 64;

    /// <summary>
    /// The first 4 rows of <see cref="Run"/>'s tile (a panel's rows 4 and 5 are padding): a batch
    /// of 64 rows is ten 6-row tiles and this one, which the 6-row kernel ran into a scratch tile
    /// and copied out. Eight accumulators still cover the FMA latency of two pipes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void Run4(int kc, ref float a, ref float b, ref float c, nint ldc, float beta) =>
        Tile<FourRows, NoPrefetch>(kc, ref a, ref b, ref c, ldc, beta, 0);

    /// <summary>
    /// The first 2 rows of a panel (rows 2-5 padding) by two B panels side by side,
    /// <paramref name="b"/> and <paramref name="b2"/>, into 32 columns of C from
    /// <paramref name="c"/>: eight accumulators, each summed in the order of <see cref="Run"/>.
    /// A batch of 32 rows is five 6-row tiles and this one, which the 6-row kernel would run 6
    /// rows tall (and a 2-row tile of one panel has four FMA chains, half the pipes' latency).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void Run2Wide(int kc, ref float a, ref float b, ref float b2, ref float c, nint ldc, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default;
        int p = 0;   // four steps a pass, as in Tile
        for (; p <= kc - 4; p += 4)
        {
            Step2Wide(ref a, ref b, ref b2, 0, ref c00, ref c01, ref c02, ref c03, ref c10, ref c11, ref c12, ref c13);
            Step2Wide(ref a, ref b, ref b2, 1, ref c00, ref c01, ref c02, ref c03, ref c10, ref c11, ref c12, ref c13);
            Step2Wide(ref a, ref b, ref b2, 2, ref c00, ref c01, ref c02, ref c03, ref c10, ref c11, ref c12, ref c13);
            Step2Wide(ref a, ref b, ref b2, 3, ref c00, ref c01, ref c02, ref c03, ref c10, ref c11, ref c12, ref c13);
            a = ref Unsafe.Add(ref a, 4 * 6);
            b = ref Unsafe.Add(ref b, 4 * 16);
            b2 = ref Unsafe.Add(ref b2, 4 * 16);
        }

        for (; p < kc; p++)
        {
            Step2Wide(ref a, ref b, ref b2, 0, ref c00, ref c01, ref c02, ref c03, ref c10, ref c11, ref c12, ref c13);
            a = ref Unsafe.Add(ref a, 6);
            b = ref Unsafe.Add(ref b, 16);
            b2 = ref Unsafe.Add(ref b2, 16);
        }

        Store(ref c, c00, c01, beta);
        Store(ref Unsafe.Add(ref c, 16), c02, c03, beta);
        Store(ref Unsafe.Add(ref c, ldc), c10, c11, beta);
        Store(ref Unsafe.Add(ref c, ldc + 16), c12, c13, beta);
    }

    // Step i of Run2Wide: a's first 2 rows (6 floats a step) by 16 columns of b and of b2.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step2Wide(ref float a, ref float b, ref float b2, int i,
        ref Vector256<float> c00, ref Vector256<float> c01, ref Vector256<float> c02, ref Vector256<float> c03,
        ref Vector256<float> c10, ref Vector256<float> c11, ref Vector256<float> c12, ref Vector256<float> c13)
    {
        var v0 = Vector256.LoadUnsafe(ref b, (nuint)(i * 16));
        var v1 = Vector256.LoadUnsafe(ref b, (nuint)(i * 16 + 8));
        var v2 = Vector256.LoadUnsafe(ref b2, (nuint)(i * 16));
        var v3 = Vector256.LoadUnsafe(ref b2, (nuint)(i * 16 + 8));
        var ar = Vector256.Create(Unsafe.Add(ref a, i * 6));
        c00 = Vector256.FusedMultiplyAdd(ar, v0, c00);
        c01 = Vector256.FusedMultiplyAdd(ar, v1, c01);
        c02 = Vector256.FusedMultiplyAdd(ar, v2, c02);
        c03 = Vector256.FusedMultiplyAdd(ar, v3, c03);
        ar = Vector256.Create(Unsafe.Add(ref a, i * 6 + 1));
        c10 = Vector256.FusedMultiplyAdd(ar, v0, c10);
        c11 = Vector256.FusedMultiplyAdd(ar, v1, c11);
        c12 = Vector256.FusedMultiplyAdd(ar, v2, c12);
        c13 = Vector256.FusedMultiplyAdd(ar, v3, c13);
    }

    // Rows 4 and 5 only where TR has six: each instantiation is compiled without the other's.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Tile<TR, TP>(int kc, ref float a, ref float b, ref float c, nint ldc, float beta,
        nint next)
        where TR : struct, IRowCount
        where TP : struct, IPrefetchSwitch
    {
        // RunAhead also fetches its tile of C into L1 at the start, to be there for the adds at
        // the end: a recurrent step's C is the step's scratch, last written a stage earlier or
        // by the other depth block's pass over the task's columns, and gone from L1 and often
        // from L2 (a profile put 7% of the kernel's samples on its C loads). Alternating with
        // and without: batch-64 LSTM x1.020, x1.016, x1.004 on 2 threads and x1.023 on one,
        // training x1.037, GRU x1.029 (Zen 3). Alone in RunTiles (C the task's sums, in L2)
        // x1.001, with the B prefetch there x1.017-1.037 (see PackedGemm.MultiplyTile); in the
        // 4-row edge kernel x0.990.
        if (TP.Enabled && Sse.IsSupported)
        {
            byte* row = (byte*)Unsafe.AsPointer(ref c);
            nint rowBytes = ldc * sizeof(float);
            Sse.Prefetch0(row);
            Sse.Prefetch0(row + rowBytes);
            Sse.Prefetch0(row + 2 * rowBytes);
            Sse.Prefetch0(row + 3 * rowBytes);
            if (TR.Rows == 6)
            {
                Sse.Prefetch0(row + 4 * rowBytes);
                Sse.Prefetch0(row + 5 * rowBytes);
            }
        }

        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default, c50 = default, c51 = default;

        // Four steps a pass: the loop's pointer and counter updates and branch, 5 of a step's 25
        // instructions, come once in four steps. On a shared Zen 3 host a register-only FMA loop
        // kept its full rate while this kernel, L1-resident, ran 25-30% below it: the FMA pipes
        // were free, so what bound it was most likely the front end, which the core's other
        // hardware thread (another tenant's) shares. One step a pass against four, alternating:
        // the kernel alone x1.21-1.24, 1024^3 x1.03-1.09, a batch-64 LSTM x1.04, GRU x1.12. The sums
        // are the same bits: each accumulator still adds its products in the order of p.
        int p = 0;
        for (; p <= kc - 4; p += 4)
        {
            if (TP.Enabled && Sse.IsSupported)
            {
                Sse.Prefetch1((void*)next);
                next += 64;
            }

            Step<TR>(ref a, ref b, 0, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31,
                ref c40, ref c41, ref c50, ref c51);
            Step<TR>(ref a, ref b, 1, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31,
                ref c40, ref c41, ref c50, ref c51);
            Step<TR>(ref a, ref b, 2, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31,
                ref c40, ref c41, ref c50, ref c51);
            Step<TR>(ref a, ref b, 3, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31,
                ref c40, ref c41, ref c50, ref c51);
            a = ref Unsafe.Add(ref a, 4 * 6);
            b = ref Unsafe.Add(ref b, 4 * 16);
        }

        for (; p < kc; p++)
        {
            Step<TR>(ref a, ref b, 0, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31,
                ref c40, ref c41, ref c50, ref c51);
            a = ref Unsafe.Add(ref a, 6);
            b = ref Unsafe.Add(ref b, 16);
        }

        Store(ref c, c00, c01, beta);
        Store(ref Unsafe.Add(ref c, ldc), c10, c11, beta);
        Store(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, beta);
        Store(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, beta);
        if (TR.Rows == 6)
        {
            Store(ref Unsafe.Add(ref c, 4 * ldc), c40, c41, beta);
            Store(ref Unsafe.Add(ref c, 5 * ldc), c50, c51, beta);
        }
    }

    // Step i of a (6 floats a step) and b (16 a step) into the accumulators, rows 4 and 5 only
    // where TR has six. Each broadcast addresses a from the pass's base: through a ref local for
    // the step's six floats, the JIT spent an lea on it in three steps of four (87 instructions
    // a pass for 48 FMAs, against 90).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TR>(ref float a, ref float b, int i,
        ref Vector256<float> c00, ref Vector256<float> c01, ref Vector256<float> c10, ref Vector256<float> c11,
        ref Vector256<float> c20, ref Vector256<float> c21, ref Vector256<float> c30, ref Vector256<float> c31,
        ref Vector256<float> c40, ref Vector256<float> c41, ref Vector256<float> c50, ref Vector256<float> c51)
        where TR : struct, IRowCount
    {
        var b0 = Vector256.LoadUnsafe(ref b, (nuint)(i * 16));
        var b1 = Vector256.LoadUnsafe(ref b, (nuint)(i * 16 + 8));
        var ar = Vector256.Create(Unsafe.Add(ref a, i * 6));
        c00 = Vector256.FusedMultiplyAdd(ar, b0, c00);
        c01 = Vector256.FusedMultiplyAdd(ar, b1, c01);
        ar = Vector256.Create(Unsafe.Add(ref a, i * 6 + 1));
        c10 = Vector256.FusedMultiplyAdd(ar, b0, c10);
        c11 = Vector256.FusedMultiplyAdd(ar, b1, c11);
        ar = Vector256.Create(Unsafe.Add(ref a, i * 6 + 2));
        c20 = Vector256.FusedMultiplyAdd(ar, b0, c20);
        c21 = Vector256.FusedMultiplyAdd(ar, b1, c21);
        ar = Vector256.Create(Unsafe.Add(ref a, i * 6 + 3));
        c30 = Vector256.FusedMultiplyAdd(ar, b0, c30);
        c31 = Vector256.FusedMultiplyAdd(ar, b1, c31);
        if (TR.Rows == 6)
        {
            ar = Vector256.Create(Unsafe.Add(ref a, i * 6 + 4));
            c40 = Vector256.FusedMultiplyAdd(ar, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(ar, b1, c41);
            ar = Vector256.Create(Unsafe.Add(ref a, i * 6 + 5));
            c50 = Vector256.FusedMultiplyAdd(ar, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(ar, b1, c51);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref float row, Vector256<float> v0, Vector256<float> v1, float beta)
    {
        if (beta != 0f)
        {
            var vb = Vector256.Create(beta);
            v0 = Vector256.FusedMultiplyAdd(vb, Vector256.LoadUnsafe(ref row), v0);
            v1 = Vector256.FusedMultiplyAdd(vb, Vector256.LoadUnsafe(ref row, 8), v1);
        }

        v0.StoreUnsafe(ref row);
        v1.StoreUnsafe(ref row, 8);
    }

    // Two vectors a panel row, four p in flight: eight independent FMA chains.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunRow(int kc, ref float a, ref float b, ref float acc)
    {
        var s0 = Vector256.LoadUnsafe(ref acc);
        var s1 = Vector256.LoadUnsafe(ref acc, 8);
        Vector256<float> t0 = default, t1 = default, u0 = default, u1 = default, v0 = default, v1 = default;
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            ref float bp = ref Unsafe.Add(ref b, p * 16);
            var a0 = Vector256.Create(Unsafe.Add(ref a, p));
            var a1 = Vector256.Create(Unsafe.Add(ref a, p + 1));
            var a2 = Vector256.Create(Unsafe.Add(ref a, p + 2));
            var a3 = Vector256.Create(Unsafe.Add(ref a, p + 3));
            s0 = Vector256.FusedMultiplyAdd(a0, Vector256.LoadUnsafe(ref bp), s0);
            s1 = Vector256.FusedMultiplyAdd(a0, Vector256.LoadUnsafe(ref bp, 8), s1);
            t0 = Vector256.FusedMultiplyAdd(a1, Vector256.LoadUnsafe(ref bp, 16), t0);
            t1 = Vector256.FusedMultiplyAdd(a1, Vector256.LoadUnsafe(ref bp, 24), t1);
            u0 = Vector256.FusedMultiplyAdd(a2, Vector256.LoadUnsafe(ref bp, 32), u0);
            u1 = Vector256.FusedMultiplyAdd(a2, Vector256.LoadUnsafe(ref bp, 40), u1);
            v0 = Vector256.FusedMultiplyAdd(a3, Vector256.LoadUnsafe(ref bp, 48), v0);
            v1 = Vector256.FusedMultiplyAdd(a3, Vector256.LoadUnsafe(ref bp, 56), v1);
        }

        for (; p < kc; p++)
        {
            var ap = Vector256.Create(Unsafe.Add(ref a, p));
            s0 = Vector256.FusedMultiplyAdd(ap, Vector256.LoadUnsafe(ref b, (nuint)(p * 16)), s0);
            s1 = Vector256.FusedMultiplyAdd(ap, Vector256.LoadUnsafe(ref b, (nuint)(p * 16 + 8)), s1);
        }

        ((s0 + t0) + (u0 + v0)).StoreUnsafe(ref acc);
        ((s1 + t1) + (u1 + v1)).StoreUnsafe(ref acc, 8);
    }
}

/// <summary>
/// AVX-512F: an 8x32 tile in 16 zmm accumulators (half the register file, so the JIT never
/// spills). Limit: a 12x32 or 14x32 tile would use more of the 32 registers and run faster on
/// real AVX-512 hardware; it needs measuring there first.
/// </summary>
internal readonly struct Avx512Kernel : IGemmKernel
{
    public static int MR => 8;

    public static int NR => 32;

    public static int MC => 128;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, ref float a, ref float b, ref float c, nint ldc, float beta) =>
        Tile<NoPrefetch>(kc, ref a, ref b, ref c, ldc, beta, 0, ref Unsafe.NullRef<float>(), 0,
            ref Unsafe.NullRef<float>(), 0);

    /// <summary>
    /// <see cref="Run"/>, and every 4 steps a prefetch into L2 of a line at <paramref name="next"/>
    /// (advancing by a line, <see cref="PrefetchBytes"/> in all): the caller points it at the B
    /// panel its next calls read, which a recurrent step's GEMM otherwise streams from L3.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunAhead(int kc, ref float a, ref float b, ref float c, nint ldc, float beta, nint next) =>
        Tile<Prefetch>(kc, ref a, ref b, ref c, ldc, beta, next, ref Unsafe.NullRef<float>(), 0,
            ref Unsafe.NullRef<float>(), 0);

    /// <summary>
    /// <see cref="RunAhead"/>, and every 8 steps one row of the next B panel packed on the way:
    /// 32 floats from <paramref name="src"/> (rows <paramref name="srcStride"/> floats apart) to
    /// <paramref name="dst"/> (rows 32 apart), <paramref name="rows"/> rows in all (at most kc / 8),
    /// each source row prefetched 16 rows ahead. The copy's loads and stores use ports the FMA
    /// loop leaves idle, so a few-row product packs its B panels in the shadow of the multiply.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunPacking(int kc, ref float a, ref float b, ref float c, nint ldc, float beta, nint next,
        ref float src, nint srcStride, ref float dst, int rows) =>
        Tile<PrefetchAndPack>(kc, ref a, ref b, ref c, ldc, beta, next, ref src, srcStride, ref dst, rows);

    /// <summary>Bytes <see cref="RunAhead"/> prefetches in a call of depth kc.</summary>
    public static int PrefetchBytes(int kc) => (kc + 3) / 4 * 64;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Tile<TP>(int kc, ref float a, ref float b, ref float c, nint ldc, float beta,
        nint next, ref float src, nint srcStride, ref float dst, int rows)
        where TP : struct, IPrefetchSwitch
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++)
        {
            if (TP.Enabled && Sse.IsSupported && (p & 3) == 0)
            {
                Sse.Prefetch1((void*)next);
                next += 64;
            }

            if (TP.Packs && (p & 7) == 0 && rows > 0)
            {
                if (Sse.IsSupported)
                {
                    // Address arithmetic, not a ref: 16 rows on may lie past the end of B.
                    Sse.Prefetch0((float*)Unsafe.AsPointer(ref src) + 16 * srcStride);
                }

                Vector512.LoadUnsafe(ref src).StoreUnsafe(ref dst);
                Vector512.LoadUnsafe(ref src, 16).StoreUnsafe(ref dst, 16);
                src = ref Unsafe.Add(ref src, srcStride);
                dst = ref Unsafe.Add(ref dst, 32);
                rows--;
            }

            var b0 = Vector512.LoadUnsafe(ref b);
            var b1 = Vector512.LoadUnsafe(ref b, 16);
            var ar = Vector512.Create(a);
            c00 = Vector512.FusedMultiplyAdd(ar, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(ar, b1, c01);
            ar = Vector512.Create(Unsafe.Add(ref a, 1));
            c10 = Vector512.FusedMultiplyAdd(ar, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(ar, b1, c11);
            ar = Vector512.Create(Unsafe.Add(ref a, 2));
            c20 = Vector512.FusedMultiplyAdd(ar, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(ar, b1, c21);
            ar = Vector512.Create(Unsafe.Add(ref a, 3));
            c30 = Vector512.FusedMultiplyAdd(ar, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(ar, b1, c31);
            ar = Vector512.Create(Unsafe.Add(ref a, 4));
            c40 = Vector512.FusedMultiplyAdd(ar, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(ar, b1, c41);
            ar = Vector512.Create(Unsafe.Add(ref a, 5));
            c50 = Vector512.FusedMultiplyAdd(ar, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(ar, b1, c51);
            ar = Vector512.Create(Unsafe.Add(ref a, 6));
            c60 = Vector512.FusedMultiplyAdd(ar, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(ar, b1, c61);
            ar = Vector512.Create(Unsafe.Add(ref a, 7));
            c70 = Vector512.FusedMultiplyAdd(ar, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(ar, b1, c71);
            a = ref Unsafe.Add(ref a, 8);
            b = ref Unsafe.Add(ref b, 32);
        }

        Store(ref c, c00, c01, beta);
        Store(ref Unsafe.Add(ref c, ldc), c10, c11, beta);
        Store(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, beta);
        Store(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, beta);
        Store(ref Unsafe.Add(ref c, 4 * ldc), c40, c41, beta);
        Store(ref Unsafe.Add(ref c, 5 * ldc), c50, c51, beta);
        Store(ref Unsafe.Add(ref c, 6 * ldc), c60, c61, beta);
        Store(ref Unsafe.Add(ref c, 7 * ldc), c70, c71, beta);
    }

    /// <summary>C row = v + beta * C row for one 32-wide tile row (beta = 0 never reads C).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store(ref float row, Vector512<float> v0, Vector512<float> v1, float beta)
    {
        if (beta != 0f)
        {
            var vb = Vector512.Create(beta);
            v0 = Vector512.FusedMultiplyAdd(vb, Vector512.LoadUnsafe(ref row), v0);
            v1 = Vector512.FusedMultiplyAdd(vb, Vector512.LoadUnsafe(ref row, 16), v1);
        }

        v0.StoreUnsafe(ref row);
        v1.StoreUnsafe(ref row, 16);
    }

    // Two vectors a panel row, four p in flight: eight independent FMA chains.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunRow(int kc, ref float a, ref float b, ref float acc)
    {
        var s0 = Vector512.LoadUnsafe(ref acc);
        var s1 = Vector512.LoadUnsafe(ref acc, 16);
        Vector512<float> t0 = default, t1 = default, u0 = default, u1 = default, v0 = default, v1 = default;
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            ref float bp = ref Unsafe.Add(ref b, p * 32);
            var a0 = Vector512.Create(Unsafe.Add(ref a, p));
            var a1 = Vector512.Create(Unsafe.Add(ref a, p + 1));
            var a2 = Vector512.Create(Unsafe.Add(ref a, p + 2));
            var a3 = Vector512.Create(Unsafe.Add(ref a, p + 3));
            s0 = Vector512.FusedMultiplyAdd(a0, Vector512.LoadUnsafe(ref bp), s0);
            s1 = Vector512.FusedMultiplyAdd(a0, Vector512.LoadUnsafe(ref bp, 16), s1);
            t0 = Vector512.FusedMultiplyAdd(a1, Vector512.LoadUnsafe(ref bp, 32), t0);
            t1 = Vector512.FusedMultiplyAdd(a1, Vector512.LoadUnsafe(ref bp, 48), t1);
            u0 = Vector512.FusedMultiplyAdd(a2, Vector512.LoadUnsafe(ref bp, 64), u0);
            u1 = Vector512.FusedMultiplyAdd(a2, Vector512.LoadUnsafe(ref bp, 80), u1);
            v0 = Vector512.FusedMultiplyAdd(a3, Vector512.LoadUnsafe(ref bp, 96), v0);
            v1 = Vector512.FusedMultiplyAdd(a3, Vector512.LoadUnsafe(ref bp, 112), v1);
        }

        for (; p < kc; p++)
        {
            var ap = Vector512.Create(Unsafe.Add(ref a, p));
            s0 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadUnsafe(ref b, (nuint)(p * 32)), s0);
            s1 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadUnsafe(ref b, (nuint)(p * 32 + 16)), s1);
        }

        ((s0 + t0) + (u0 + v0)).StoreUnsafe(ref acc);
        ((s1 + t1) + (u1 + v1)).StoreUnsafe(ref acc, 16);
    }
}

/// <summary>
/// AVX-512F for products with many rows: a 12x32 tile in 24 zmm accumulators, two for the B row
/// and the broadcast A values in the rest of the 32 registers. Each B row loaded serves 12 rows
/// instead of 8, so fewer loads and fewer C round trips per FMA than <see cref="Avx512Kernel"/>;
/// few-row products (a recurrent step's batch of 64 would leave a 4-row edge tile) keep the
/// 8-row kernel. The B panels are the same (NR = 32), so a B packed for one serves the other.
/// </summary>
internal readonly struct Avx512TallKernel : IGemmKernel
{
    public static int MR => 12;

    public static int NR => 32;

    public static int MC => 120;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, ref float a, ref float b, ref float c, nint ldc, float beta) =>
        Tile<NoPrefetch>(kc, ref a, ref b, ref c, ldc, beta, 0, 0);

    /// <summary>
    /// <see cref="Run"/>, and every 8 steps a prefetch into L2 of a line at
    /// <paramref name="nextA"/> and one at <paramref name="nextB"/> (each advancing by a line,
    /// <see cref="PrefetchBytes"/> in all): the caller points them at packed panels the next
    /// calls will read, which would otherwise come from L3 when first touched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunAhead(int kc, ref float a, ref float b, ref float c, nint ldc, float beta, nint nextA,
        nint nextB) =>
        Tile<Prefetch>(kc, ref a, ref b, ref c, ldc, beta, nextA, nextB);

    /// <summary>Bytes <see cref="RunAhead"/> prefetches from each address in a call of depth kc.</summary>
    public static int PrefetchBytes(int kc) => (kc + 7) / 8 * 64;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Tile<TP>(int kc, ref float a, ref float b, ref float c, nint ldc, float beta,
        nint nextA, nint nextB)
        where TP : struct, IPrefetchSwitch
    {
        // loR and hiR: row R of the tile, columns 0-15 and 16-31.
        Vector512<float> lo0 = default, hi0 = default, lo1 = default, hi1 = default;
        Vector512<float> lo2 = default, hi2 = default, lo3 = default, hi3 = default;
        Vector512<float> lo4 = default, hi4 = default, lo5 = default, hi5 = default;
        Vector512<float> lo6 = default, hi6 = default, lo7 = default, hi7 = default;
        Vector512<float> lo8 = default, hi8 = default, lo9 = default, hi9 = default;
        Vector512<float> lo10 = default, hi10 = default, lo11 = default, hi11 = default;
        for (int p = 0; p < kc; p++)
        {
            if (TP.Enabled && Sse.IsSupported && (p & 7) == 0)
            {
                Sse.Prefetch1((void*)nextA);
                Sse.Prefetch1((void*)nextB);
                nextA += 64;
                nextB += 64;
            }

            var b0 = Vector512.LoadUnsafe(ref b);
            var b1 = Vector512.LoadUnsafe(ref b, 16);
            var ar = Vector512.Create(a);
            lo0 = Vector512.FusedMultiplyAdd(ar, b0, lo0);
            hi0 = Vector512.FusedMultiplyAdd(ar, b1, hi0);
            ar = Vector512.Create(Unsafe.Add(ref a, 1));
            lo1 = Vector512.FusedMultiplyAdd(ar, b0, lo1);
            hi1 = Vector512.FusedMultiplyAdd(ar, b1, hi1);
            ar = Vector512.Create(Unsafe.Add(ref a, 2));
            lo2 = Vector512.FusedMultiplyAdd(ar, b0, lo2);
            hi2 = Vector512.FusedMultiplyAdd(ar, b1, hi2);
            ar = Vector512.Create(Unsafe.Add(ref a, 3));
            lo3 = Vector512.FusedMultiplyAdd(ar, b0, lo3);
            hi3 = Vector512.FusedMultiplyAdd(ar, b1, hi3);
            ar = Vector512.Create(Unsafe.Add(ref a, 4));
            lo4 = Vector512.FusedMultiplyAdd(ar, b0, lo4);
            hi4 = Vector512.FusedMultiplyAdd(ar, b1, hi4);
            ar = Vector512.Create(Unsafe.Add(ref a, 5));
            lo5 = Vector512.FusedMultiplyAdd(ar, b0, lo5);
            hi5 = Vector512.FusedMultiplyAdd(ar, b1, hi5);
            ar = Vector512.Create(Unsafe.Add(ref a, 6));
            lo6 = Vector512.FusedMultiplyAdd(ar, b0, lo6);
            hi6 = Vector512.FusedMultiplyAdd(ar, b1, hi6);
            ar = Vector512.Create(Unsafe.Add(ref a, 7));
            lo7 = Vector512.FusedMultiplyAdd(ar, b0, lo7);
            hi7 = Vector512.FusedMultiplyAdd(ar, b1, hi7);
            ar = Vector512.Create(Unsafe.Add(ref a, 8));
            lo8 = Vector512.FusedMultiplyAdd(ar, b0, lo8);
            hi8 = Vector512.FusedMultiplyAdd(ar, b1, hi8);
            ar = Vector512.Create(Unsafe.Add(ref a, 9));
            lo9 = Vector512.FusedMultiplyAdd(ar, b0, lo9);
            hi9 = Vector512.FusedMultiplyAdd(ar, b1, hi9);
            ar = Vector512.Create(Unsafe.Add(ref a, 10));
            lo10 = Vector512.FusedMultiplyAdd(ar, b0, lo10);
            hi10 = Vector512.FusedMultiplyAdd(ar, b1, hi10);
            ar = Vector512.Create(Unsafe.Add(ref a, 11));
            lo11 = Vector512.FusedMultiplyAdd(ar, b0, lo11);
            hi11 = Vector512.FusedMultiplyAdd(ar, b1, hi11);
            a = ref Unsafe.Add(ref a, 12);
            b = ref Unsafe.Add(ref b, 32);
        }

        Avx512Kernel.Store(ref c, lo0, hi0, beta);
        Avx512Kernel.Store(ref Unsafe.Add(ref c, 1 * ldc), lo1, hi1, beta);
        Avx512Kernel.Store(ref Unsafe.Add(ref c, 2 * ldc), lo2, hi2, beta);
        Avx512Kernel.Store(ref Unsafe.Add(ref c, 3 * ldc), lo3, hi3, beta);
        Avx512Kernel.Store(ref Unsafe.Add(ref c, 4 * ldc), lo4, hi4, beta);
        Avx512Kernel.Store(ref Unsafe.Add(ref c, 5 * ldc), lo5, hi5, beta);
        Avx512Kernel.Store(ref Unsafe.Add(ref c, 6 * ldc), lo6, hi6, beta);
        Avx512Kernel.Store(ref Unsafe.Add(ref c, 7 * ldc), lo7, hi7, beta);
        Avx512Kernel.Store(ref Unsafe.Add(ref c, 8 * ldc), lo8, hi8, beta);
        Avx512Kernel.Store(ref Unsafe.Add(ref c, 9 * ldc), lo9, hi9, beta);
        Avx512Kernel.Store(ref Unsafe.Add(ref c, 10 * ldc), lo10, hi10, beta);
        Avx512Kernel.Store(ref Unsafe.Add(ref c, 11 * ldc), lo11, hi11, beta);
    }

    /// <summary>The same one-row kernel as <see cref="Avx512Kernel"/>: the panels are the same.</summary>
    public static void RunRow(int kc, ref float a, ref float b, ref float acc) =>
        Avx512Kernel.RunRow(kc, ref a, ref b, ref acc);
}

/// <summary>A compile-time row count for <see cref="Avx2Kernel"/>'s tile.</summary>
internal interface IRowCount
{
    static abstract int Rows { get; }
}

internal readonly struct SixRows : IRowCount
{
    public static int Rows => 6;
}

internal readonly struct FourRows : IRowCount
{
    public static int Rows => 4;
}

/// <summary>Whether a kernel call prefetches ahead: a type argument, so the JIT drops the branch.</summary>
internal interface IPrefetchSwitch
{
    static abstract bool Enabled { get; }

    /// <summary>Whether the call also packs rows of the next B panel (the 8-row AVX-512 kernel).</summary>
    static abstract bool Packs { get; }
}

internal readonly struct NoPrefetch : IPrefetchSwitch
{
    public static bool Enabled => false;

    public static bool Packs => false;
}

internal readonly struct Prefetch : IPrefetchSwitch
{
    public static bool Enabled => true;

    public static bool Packs => false;
}

internal readonly struct PrefetchAndPack : IPrefetchSwitch
{
    public static bool Enabled => true;

    public static bool Packs => true;
}
