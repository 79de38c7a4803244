using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Core.Cpu;

/// <summary>
/// The operands of one row-major GEMM, C = alpha * op(A) * op(B) + beta * C, already checked;
/// with <see cref="Bias"/>, bias[BiasOff + j] is added to every row's column j as well.
/// </summary>
internal readonly record struct GemmArgs(
    bool TransA, bool TransB, int M, int N, int K, float Alpha,
    float[] A, int AOff, int Lda, float[] B, int BOff, int Ldb,
    float Beta, float[] C, int COff, int Ldc, float[]? Bias = null, int BiasOff = 0);

/// <summary>
/// Packed, cache-blocked GEMM in the style of Goto and van de Geijn (2008) and BLIS: C is
/// walked in column blocks of NC; for each depth block of KC the matching rows of op(B) are
/// packed once into NR-wide panels (kept in L3/L2), each task packs its rows of op(A) into
/// MR-tall panels (with alpha folded in, kept in L2), and the micro-kernel multiplies one
/// A panel by one B panel into an MR x NR tile of C held in registers. Tasks own disjoint
/// blocks of C, so threads never write the same element; edges go through a small tile
/// buffer. Packed buffers come from ArrayPool, so steady-state calls allocate no arrays.
/// </summary>
internal static class PackedGemm
{
    // Depth of one packed block. 256: a 32-wide B panel of 256 rows is 32 KiB (L1-resident), and a
    // RunTiles task's A rows, B columns and sums for one block take 768 KiB of a 1 MiB L2. Where
    // a core has 2 MiB of L2 or more, 512: the kernel reads its B panels from L2, but every tile of
    // C goes through half as many blocks (half the C round trips and kernel calls), and a recurrent
    // step of 512 units makes one pass over its gate columns. On an Emerald Rapids core pair (2 MiB
    // L2), 512 against 256 alternating: lstm-infer x1.015-1.043, lstm-train x1.046, gru-infer
    // x1.038-1.040, 6400x512x2048 x1.042, 1024^3 x0.994-1.008 (x1.040 on one thread), 2048x256x720
    // x1.002, 256x1024x1024 x0.986. A static readonly value, so the JIT treats it as a constant.
    private static readonly int KC = CpuFeatures.L2BytesPerCore >= 2 << 20 ? 512 : 256;

    // Columns of C per outer block, bounding the packed B buffer to KC*NC floats (2 or 4 MiB).
    private const int NC = 2048;

    // Rows of one task of a many-row product, at least: four 12-row tiles.
    private const int TaskRows = 48;

    // Below this many multiply-adds a GEMM runs on the calling thread: fork/join costs more.
    private const long ParallelThreshold = 48L * 48 * 48;

    /// <summary>
    /// Runs the GEMM on the given instruction set; parallel null means this thread only. With
    /// <paramref name="packed"/> (op(B) of g, packed earlier for this instruction set) no B
    /// panel is packed here.
    /// </summary>
    public static void Run(CpuSimd simd, in GemmArgs g, ParallelOptions? parallel, PackedB? packed = null)
    {
        if (simd != CpuSimd.Scalar && SmallGemm.Fits(g))
        {
            // The few-row kernels have no bias epilogue: the bias goes into C first.
            SmallGemm.Run(g.Bias is null ? g : PrimeAll(g), parallel);
            return;
        }

        switch (simd)
        {
            // Panels are NR = 32 wide for both AVX-512 kernels, so a prepacked B suits either.
            case CpuSimd.Avx512 when g.M > Avx512Kernel.MC: Run<Avx512TallKernel>(g, parallel, packed); break;
            case CpuSimd.Avx512: Run<Avx512Kernel>(g, parallel, packed); break;
            case CpuSimd.Avx2: Run<Avx2Kernel>(g, parallel, packed); break;
            default: Run<ScalarKernel>(g, parallel, packed); break;
        }
    }

    /// <summary>
    /// Packs all of op(B) of g into data from index origin on (see <see cref="AlignedOrigin"/>),
    /// block by block as Run walks it.
    /// </summary>
    public static void PackAll(CpuSimd simd, in GemmArgs g, float[] data, int origin, int part = 0, int parts = 1)
    {
        switch (simd)
        {
            case CpuSimd.Avx512: PackAll<Avx512Kernel>(g, data, origin, part, parts); break;
            case CpuSimd.Avx2: PackAll<Avx2Kernel>(g, data, origin, part, parts); break;
            default: PackAll<ScalarKernel>(g, data, origin, part, parts); break;
        }
    }

    /// <summary>Floats a buffer of packed panels needs beyond its panels, so they can start on a cache line.</summary>
    public const int AlignmentPad = 15;

    /// <summary>
    /// The first index of array at a 64-byte boundary, where its packed panels start. A 64-byte
    /// load from a panel that is not so aligned spans two cache lines: a batch-1 step, which
    /// streams its packed W_hh through such loads, read it at 45 GB/s a core against 72 aligned.
    /// It is an index, not an address: if the GC moves the array the panels stay where they were
    /// packed, only perhaps unaligned.
    /// </summary>
    public static unsafe int AlignedOrigin(float[] array)
    {
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        return (int)((64 - (address & 63)) & 63) / sizeof(float);
    }

    /// <summary>
    /// A pooled buffer for <paramref name="length"/> floats of packed panels (return it to
    /// ArrayPool.Shared), with the index where they start (<see cref="AlignedOrigin"/>).
    /// </summary>
    public static float[] RentPanels(int length, out int origin)
    {
        float[] buffer = ArrayPool<float>.Shared.Rent(length + AlignmentPad);
        origin = AlignedOrigin(buffer);
        return buffer;
    }

    /// <summary>
    /// Column ranges [start, start + width) of C for every row, on this thread, with op(B)
    /// packed already; starts and width are multiples of the kernel's NR (a range may end at N).
    /// Each block of A rows is packed once for all the ranges. Parallel callers give each thread
    /// its own ranges: a fused recurrent step gives a task the same hidden units in every gate.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunColumns(CpuSimd simd, in GemmArgs g, PackedB packed, ReadOnlySpan<int> starts, int width,
        float[]? packedA = null)
    {
        switch (simd)
        {
            case CpuSimd.Avx512: RunColumns<Avx512Kernel>(g, packed.Data, packed.Origin, starts, width, packedA); break;
            case CpuSimd.Avx2: RunColumns<Avx2Kernel>(g, packed.Data, packed.Origin, starts, width, packedA); break;
            default: RunColumns<ScalarKernel>(g, packed.Data, packed.Origin, starts, width, packedA); break;
        }
    }

    /// <summary>
    /// Floats all of op(A) of g takes packed for <see cref="RunColumns"/> to share among tasks,
    /// or 0 when it cannot be shared (more rows than one row block, or a single row).
    /// </summary>
    public static int SharedALength(CpuSimd simd, in GemmArgs g)
    {
        var (mr, mc) = simd switch
        {
            CpuSimd.Avx512 => (Avx512Kernel.MR, Avx512Kernel.MC),
            CpuSimd.Avx2 => (Avx2Kernel.MR, Avx2Kernel.MC),
            _ => (ScalarKernel.MR, ScalarKernel.MC),
        };
        return g.M > 1 && g.M <= mc ? RoundUp(g.M, mr) * g.K : 0;
    }

    /// <summary>The depth blocks op(A) is packed in: one <see cref="PackSharedA"/> call each.</summary>
    public static int DepthBlocks(int k) => (k + KC - 1) / KC;

    /// <summary>Packs depth block <paramref name="block"/> of op(A) into a buffer of SharedALength floats.</summary>
    public static void PackSharedA(CpuSimd simd, in GemmArgs g, float[] packedA, int block)
    {
        switch (simd)
        {
            case CpuSimd.Avx512: PackSharedA<Avx512Kernel>(g, packedA, block); break;
            case CpuSimd.Avx2: PackSharedA<Avx2Kernel>(g, packedA, block); break;
            default: PackSharedA<ScalarKernel>(g, packedA, block); break;
        }
    }

    private static void PackSharedA<TK>(GemmArgs g, float[] packedA, int block)
        where TK : struct, IGemmKernel
    {
        int pc = block * KC;
        PackA<TK>(g, new Block(0, 0, pc, Math.Min(KC, g.K - pc), 1f), packedA, 0, g.M, RoundUp(g.M, TK.MR) * pc);
    }

    /// <summary>
    /// Parts to split <see cref="PackAll"/> of an n-column B into on <paramref name="threads"/>
    /// threads: no more than the panels of a column block, since a part is a range of them and the
    /// others would be empty, each still a task a helper thread is woken for (a 64-unit LSTM on 65
    /// threads ran 14 times slower than on 2, and 4096 threads made 3,500 OS threads).
    /// </summary>
    public static int PackParts(CpuSimd simd, int n, int threads) =>
        Math.Clamp(threads, 1, Math.Max(1, (Math.Min(n, NC) + NrOf(simd) - 1) / NrOf(simd)));

    /// <summary>The column width of one packed panel (the micro-kernel's NR) on this instruction set.</summary>
    public static int PanelWidth(CpuSimd simd) => NrOf(simd);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunColumns<TK>(GemmArgs g, float[] packB, int origin, ReadOnlySpan<int> starts, int width,
        float[]? packedA)
        where TK : struct, IGemmKernel
    {
        if (g.M == 1 && !g.TransA)
        {
            RowColumns<TK>(g, packB, origin, starts, width);
            return;
        }

        if (packedA is not null)
        {
            // op(A) packed already (SharedALength), all rows in one block.
            Span<float> shared = stackalloc float[TK.MR * TK.NR];
            for (int pc = 0; pc < g.K; pc += KC)
            {
                MultiplyColumns<TK>(g, pc, packedA, RoundUp(g.M, TK.MR) * pc, 0, g.M, packB, origin, starts, width,
                    shared);
            }

            return;
        }

        int mc = Math.Min(TK.MC, g.M);
        float[] packA = ArrayPool<float>.Shared.Rent(RoundUp(mc, TK.MR) * Math.Min(KC, g.K));
        Span<float> tile = stackalloc float[TK.MR * TK.NR];
        try
        {
            for (int pc = 0; pc < g.K; pc += KC)
            {
                for (int ic = 0; ic < g.M; ic += TK.MC)
                {
                    int rows = Math.Min(TK.MC, g.M - ic);
                    PackA<TK>(g, new Block(0, 0, pc, Math.Min(KC, g.K - pc), 1f), packA, ic, rows);
                    MultiplyColumns<TK>(g, pc, packA, 0, ic, rows, packB, origin, starts, width, tile);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packA);
        }
    }

    // Rows [ic, ic + rows) of C over the column ranges of RunColumns for depth block pc, with
    // those rows of op(A) packed at packA[aOff..].
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyColumns<TK>(GemmArgs g, int pc, float[] packA, int aOff, int ic, int rows,
        float[] packB, int origin, ReadOnlySpan<int> starts, int width, Span<float> tile)
        where TK : struct, IGemmKernel
    {
        int kc = Math.Min(KC, g.K - pc);
        float beta = pc == 0 ? g.Beta : 1f;
        foreach (int j0 in starts)
        {
            int j1 = Math.Min(g.N, j0 + width);
            for (int jc = j0 / NC * NC; jc < j1; jc += NC)
            {
                int nc = Math.Min(NC, g.N - jc);
                var (p0, p1) = PanelRange<TK>(j0, j1, jc, nc);
                var blk = new Block(jc, nc, pc, kc, beta);
                Multiply<TK>(g, blk, packA, packB, PackedOffset<TK>(origin, g.K, jc, nc, pc), ic, rows, p0, p1, tile,
                    aOff);
            }
        }
    }

    // The panels of column block [jc, jc + nc) that columns [j0, j1) touch.
    private static (int P0, int P1) PanelRange<TK>(int j0, int j1, int jc, int nc)
        where TK : struct, IGemmKernel =>
        ((Math.Max(j0, jc) - jc) / TK.NR, (Math.Min(j1, jc + nc) - jc + TK.NR - 1) / TK.NR);

    // RunColumns for a single row of A, not transposed (a batch-1 step): no A packing and no MR-row tile, which
    // would be all but one row zeros; each B panel is read once, through every depth block, into
    // NR accumulators, then C = alpha * acc + beta * C.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowColumns<TK>(GemmArgs g, float[] packB, int origin, ReadOnlySpan<int> starts, int width)
        where TK : struct, IGemmKernel
    {
        int k = g.K;
        ref float a = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(g.A), g.AOff);
        Span<float> acc = stackalloc float[TK.NR];
        ref float accRef = ref MemoryMarshal.GetReference(acc);
        ref float b0 = ref MemoryMarshal.GetArrayDataReference(packB);
        ref float c0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(g.C), g.COff);
        foreach (int j0 in starts)
        {
            int j1 = Math.Min(g.N, j0 + width);
            for (int jc = j0 / NC * NC; jc < j1; jc += NC)
            {
                int nc = Math.Min(NC, g.N - jc);
                var (p0, p1) = PanelRange<TK>(j0, j1, jc, nc);
                for (int jp = p0; jp < p1; jp++)
                {
                    acc.Clear();
                    for (int pc = 0; pc < k; pc += KC)
                    {
                        int kc = Math.Min(KC, k - pc);
                        int bOff = PackedOffset<TK>(origin, k, jc, nc, pc) + jp * TK.NR * kc;
                        TK.RunRow(kc, ref Unsafe.Add(ref a, pc), ref Unsafe.Add(ref b0, bOff), ref accRef);
                    }

                    int j = jc + jp * TK.NR;
                    int live = Math.Min(TK.NR, jc + nc - j);
                    ref float c = ref Unsafe.Add(ref c0, j);
                    int q = 0;
                    if (g.Bias is null)
                    {
                        // C = alpha * acc + beta * C, eight columns at a time (beta 0 never reads C).
                        var alpha8 = Vector256.Create(g.Alpha);
                        var beta8 = Vector256.Create(g.Beta);
                        for (; q + 8 <= live; q += 8)
                        {
                            var v = alpha8 * Vector256.LoadUnsafe(ref accRef, (nuint)q);
                            if (g.Beta != 0f)
                            {
                                v += beta8 * Vector256.LoadUnsafe(ref c, (nuint)q);
                            }

                            v.StoreUnsafe(ref c, (nuint)q);
                        }
                    }

                    for (; q < live; q++)
                    {
                        ref float cq = ref Unsafe.Add(ref c, q);
                        float v = g.Alpha * Unsafe.Add(ref accRef, q);
                        cq = g.Beta == 0f ? v : v + g.Beta * cq;
                        if (g.Bias is { } bias)
                        {
                            cq += bias[g.BiasOff + j + q];
                        }
                    }
                }
            }
        }
    }

    /// <summary>Floats a fully packed op(B) of [k, n] takes for the instruction set's kernel.</summary>
    public static int PackedLength(CpuSimd simd, int n, int k) => RoundUp(n, NrOf(simd)) * k;

    /// <summary>
    /// Where block (jc, pc) starts in a fully packed op(B) whose panels start at origin: earlier
    /// column blocks are NC wide.
    /// </summary>
    private static int PackedOffset<TK>(int origin, int k, int jc, int nc, int pc)
        where TK : struct, IGemmKernel => origin + jc * k + RoundUp(nc, TK.NR) * pc;

    private static int NrOf(CpuSimd simd) => simd switch
    {
        CpuSimd.Avx512 => Avx512Kernel.NR,
        CpuSimd.Avx2 => Avx2Kernel.NR,
        _ => ScalarKernel.NR,
    };

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    // With parts > 1, only part `part` of each block's panels, so that several threads can pack
    // one buffer between them.
    private static void PackAll<TK>(GemmArgs g, float[] data, int origin, int part, int parts)
        where TK : struct, IGemmKernel
    {
        for (int jc = 0; jc < g.N; jc += NC)
        {
            int nc = Math.Min(NC, g.N - jc);
            int panels = (nc + TK.NR - 1) / TK.NR;
            for (int pc = 0; pc < g.K; pc += KC)
            {
                var blk = new Block(jc, nc, pc, Math.Min(KC, g.K - pc), 1f);
                PackB<TK>(g, blk, data, PackedOffset<TK>(origin, g.K, jc, nc, pc), panels * part / parts,
                    panels * (part + 1) / parts);
            }
        }
    }

    private static void Run<TK>(GemmArgs g, ParallelOptions? parallel, PackedB? packed)
        where TK : struct, IGemmKernel
    {
        if (g.M == 0 || g.N == 0)
        {
            return;
        }

        if (g.K == 0 || g.Alpha == 0f)
        {
            if (g.Bias is null)
            {
                ScaleC(g);
            }
            else
            {
                PrimeAll(g);
            }

            return;
        }

        int threads = parallel?.MaxDegreeOfParallelism ?? 1;
        if (threads < 1 || (long)g.M * g.N * g.K < ParallelThreshold)
        {
            threads = 1;
        }

        var plan = TaskPlan.Create<TK>(g.M, Math.Min(NC, g.N), threads);
        if (packed is null && threads > 1 && g.M <= TK.MC && plan.ColChunks > 1)
        {
            StreamedTasks<TK>.Execute(g, plan, threads);
            return;
        }

        long wholeA = RoundUp(g.M, TK.MR) * (long)g.K, wholeB = RoundUp(g.N, TK.NR) * (long)g.K;
        if (packed is null && threads > 1 && g.M > TK.MC && g.K > KC && wholeA + wholeB <= WholePackLimit)
        {
            RunTiles<TK>(g, threads, (int)wholeA, (int)wholeB);
            return;
        }

        RunColumnBlocks<TK>(g, plan, threads, packed?.Data, packed?.Origin ?? 0);
    }

    /// <summary>
    /// The most floats of packed op(A) and op(B) together that a many-row, many-deep GEMM packs
    /// whole before it multiplies (32 MiB); beyond it B is packed one block at a time between
    /// rounds of multiplying and each task packs its own rows of A. Tests lower it to reach
    /// that path at small sizes.
    /// </summary>
    internal static long WholePackLimit { get; set; } = 8 << 20;

    // Rows and columns of C a task of RunTiles takes, about: 256 x 256 floats of C, of A and of
    // B for one depth block together take 768 KiB, within a 1 MiB L2 (1.3 MiB at KC 512, which
    // only a 2 MiB L2 gets).
    private const int TileEdge = 256;

    // Rows of a RunTiles task, about. A tile's A rows of one depth block and its sums stay in L2
    // while its B panels stream past; with 256 rows they take all 512 KiB of a Zen 3 core's L2.
    // There, 128 (132 rows for 1024, a multiple of MR) against 256, alternating: 1024^3 x1.007,
    // x1.020, x1.035, 2048x1024x1024 x1.034, 1024x2048x512 x1.013; 96 against 128 x0.982, 176 x0.999.
    private static readonly int TileRows = CpuFeatures.L2BytesPerCore < 1 << 20 ? 128 : TileEdge;

    // A many-row, many-deep GEMM: op(A) and op(B) are packed whole in one round, then each task
    // multiplies one tile of C of about TileEdge x TileEdge through every depth block
    // (MultiplyTile), its sums, its A rows and its B columns of one depth block in the core's
    // L2. The L3 (shared with every other core) then carries each A block once a column chunk
    // and each B block once a row block: 1024^3 reads 34 MB of packed panels from it, where 22
    // tasks of 48 full-width rows, packing their own A, each read all 4 MB of packed B (88 MB).
    private static void RunTiles<TK>(GemmArgs g, int threads, int wholeA, int wholeB)
        where TK : struct, IGemmKernel
    {
        float[] packB = RentPanels(wholeB, out int origin);
        float[] packA = ArrayPool<float>.Shared.Rent(wholeA);
        try
        {
            WholePackTasks<TK>.Execute(g, packA, packB, origin, threads);
            for (int jc = 0; jc < g.N; jc += NC)
            {
                int nc = Math.Min(NC, g.N - jc);
                PrepackedTasks<TK>.Execute(g, jc, nc, TaskPlan.Tiles<TK>(g.M, nc, threads), threads, packB, origin,
                    packA);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packA);
            ArrayPool<float>.Shared.Return(packB);
        }
    }

    // Packs all of op(B) as PackAll lays it out and all of op(A) as PackSharedA does, in one
    // round: each (column block, depth block) of B and each depth block of A split into chunks,
    // at least two tasks a thread for each.
    private sealed class WholePackTasks<TK> : IForkJoinBody
        where TK : struct, IGemmKernel
    {
        [ThreadStatic]
        private static WholePackTasks<TK>? cached;

        private GemmArgs g;
        private float[] packA = Array.Empty<float>(), packB = Array.Empty<float>();
        private int origin, depthBlocks, bChunks, bTasks, aChunks;

        public static void Execute(GemmArgs g, float[] packA, float[] packB, int origin, int threads)
        {
            var t = cached ?? new WholePackTasks<TK>();
            cached = null;
            (t.g, t.packA, t.packB, t.origin) = (g, packA, packB, origin);
            t.depthBlocks = DepthBlocks(g.K);
            int bBlocks = (g.N + NC - 1) / NC * t.depthBlocks;
            t.bChunks = Math.Max(1, (2 * threads + bBlocks - 1) / bBlocks);
            t.bTasks = bBlocks * t.bChunks;
            t.aChunks = Math.Max(1, (2 * threads + t.depthBlocks - 1) / t.depthBlocks);
            ForkJoin.Run(t, t.bTasks + t.depthBlocks * t.aChunks, threads);
            (t.g, t.packA, t.packB) = (default, Array.Empty<float>(), Array.Empty<float>());
            cached = t;
        }

        public void Run(int task)
        {
            if (task >= bTasks)
            {
                // Row panels [q0, q1) of one depth block of A, where PackSharedA would put them.
                task -= bTasks;
                int pc = task / aChunks * KC, kc = Math.Min(KC, g.K - pc);
                int rowPanels = (g.M + TK.MR - 1) / TK.MR, chunk = task % aChunks;
                int q0 = rowPanels * chunk / aChunks, q1 = rowPanels * (chunk + 1) / aChunks;
                int i0 = q0 * TK.MR, rows = Math.Min(g.M, q1 * TK.MR) - i0;
                if (rows > 0)
                {
                    PackA<TK>(g, new Block(0, 0, pc, kc, 1f), packA, i0, rows, RoundUp(g.M, TK.MR) * pc + i0 * kc);
                }

                return;
            }

            int block = task / bChunks, part = task % bChunks;
            int jc = block / depthBlocks * NC, nc = Math.Min(NC, g.N - jc);
            int pcB = block % depthBlocks * KC;
            int panels = (nc + TK.NR - 1) / TK.NR;
            var blk = new Block(jc, nc, pcB, Math.Min(KC, g.K - pcB), 1f);
            PackB<TK>(g, blk, packB, PackedOffset<TK>(origin, g.K, jc, nc, pcB), panels * part / bChunks,
                panels * (part + 1) / bChunks);
        }
    }

    private static void RunColumnBlocks<TK>(GemmArgs g, TaskPlan plan, int threads, float[]? packedB, int origin)
        where TK : struct, IGemmKernel
    {
        for (int jc = 0; jc < g.N; jc += NC)
        {
            int nc = Math.Min(NC, g.N - jc);
            if (packedB is not null)
            {
                PrepackedTasks<TK>.Execute(g, jc, nc, plan, threads, packedB, origin);
                continue;
            }

            for (int pc = 0; pc < g.K; pc += KC)
            {
                int kc = Math.Min(KC, g.K - pc);
                RunBlock<TK>(g, new Block(jc, nc, pc, kc, pc == 0 ? g.Beta : 1f), plan, threads);
            }
        }
    }

    // One column block whose B is packed already: no task waits for packing, so each task owns
    // its part of C through every depth block and the whole block is one fork/join. (A recurrent
    // step is one such block; fewer joins matter most when other processes share the cores.)
    // It runs on ForkJoin with a reused task object, so a step allocates nothing.
    private sealed class PrepackedTasks<TK> : IForkJoinBody
        where TK : struct, IGemmKernel
    {
        [ThreadStatic]
        private static PrepackedTasks<TK>? cached;

        private GemmArgs g;
        private int jc, nc, panels, origin;
        private TaskPlan plan;
        private float[] packB = Array.Empty<float>();
        private float[]? sharedA;   // all of op(A) packed once (PackSharedA's layout), or null
        private bool packing;
        private bool tiles;   // RunTiles's tasks: a tile through every depth block

        // packedA: all of op(A) packed already, as PackSharedA lays it out (RunTiles).
        public static void Execute(GemmArgs g, int jc, int nc, TaskPlan plan, int threads, float[] packB, int origin,
            float[]? packedA = null)
        {
            var t = cached ?? new PrepackedTasks<TK>();
            cached = null;   // a nested call on this thread would take a fresh one
            (t.g, t.jc, t.nc, t.plan, t.packB, t.origin) = (g, jc, nc, plan, packB, origin);
            t.panels = (nc + TK.NR - 1) / TK.NR;
            if (packedA is not null)
            {
                (t.sharedA, t.tiles) = (packedA, true);
                try
                {
                    ForkJoin.Run(t, plan.RowBlocks * plan.ColChunks, threads);
                }
                finally
                {
                    (t.sharedA, t.tiles) = (null, false);
                }
            }
            else if (threads == 1)
            {
                t.Range(0, t.panels, 0, g.M);
            }
            else if (plan.RowBlocks == 1 && plan.ColChunks > 1 && g.M <= TK.MC)
            {
                // Few rows, columns split: every task would pack the same rows of A for every
                // depth block; pack them once, one depth block a task, then multiply.
                t.sharedA = ArrayPool<float>.Shared.Rent(RoundUp(g.M, TK.MR) * g.K);
                try
                {
                    t.packing = true;
                    ForkJoin.Run(t, DepthBlocks(g.K), threads);
                    t.packing = false;
                    ForkJoin.Run(t, plan.ColChunks, threads);
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(t.sharedA);
                    (t.sharedA, t.packing) = (null, false);
                }
            }
            else
            {
                ForkJoin.Run(t, plan.RowBlocks * plan.ColChunks, threads);
            }

            (t.g, t.packB) = (default, Array.Empty<float>());   // hold no caller arrays between calls
            cached = t;
        }

        public void Run(int task)
        {
            if (packing)
            {
                PackSharedA<TK>(g, sharedA!, task);
                return;
            }

            int rowBlock = task / plan.ColChunks, chunk = task % plan.ColChunks;
            if (tiles)
            {
                // Tiles in diagonals: tasks claimed one after another, which run at the same time
                // on two threads, take different row blocks and column chunks (for each row block
                // the chunks are a rotation, so every tile is taken once). Against row by row, where
                // the two cores read the same A rows at once, alternating on an Emerald Rapids core
                // pair: 1024^3 x1.019, x1.025, 2048x1024x1024 x1.018, 1024x1024x4096 x1.000.
                rowBlock = task % plan.RowBlocks;
                chunk = (task / plan.RowBlocks + rowBlock) % plan.ColChunks;
            }

            int p0 = Math.Min(panels, chunk * plan.PanelsPerChunk);
            int p1 = Math.Min(panels, p0 + plan.PanelsPerChunk);
            int i0 = rowBlock * plan.RowsPerBlock;
            if (p0 >= p1)
            {
                return;
            }

            if (sharedA is null)
            {
                Range(p0, p1, i0, Math.Min(g.M, i0 + plan.RowsPerBlock));
                return;
            }

            // Rows [i0, i1) of the packed A: row panel i0 / MR of each depth block on.
            int i1 = Math.Min(g.M, i0 + plan.RowsPerBlock);
            if (tiles)
            {
                MultiplyTile<TK>(g, sharedA, packB, origin, jc, nc, i0, i1, p0, p1);
                return;
            }

            Span<float> tile = stackalloc float[TK.MR * TK.NR];
            for (int pc = 0; pc < g.K; pc += KC)
            {
                int kc = Math.Min(KC, g.K - pc);
                var blk = new Block(jc, nc, pc, kc, pc == 0 ? g.Beta : 1f);
                Multiply<TK>(g, blk, sharedA, packB, PackedOffset<TK>(origin, g.K, jc, nc, pc), i0, i1 - i0, p0, p1,
                    tile, RoundUp(g.M, TK.MR) * pc + i0 * kc);
            }
        }

        private void Range(int p0, int p1, int i0, int i1)
        {
            for (int pc = 0; pc < g.K; pc += KC)
            {
                var blk = new Block(jc, nc, pc, Math.Min(KC, g.K - pc), pc == 0 ? g.Beta : 1f);
                RunTask<TK>(g, blk, plan, packB, PackedOffset<TK>(origin, g.K, jc, nc, pc), p0, p1, i0, i1);
            }
        }
    }

    // A few-row product whose B is not packed yet: op(A) is packed once (one depth block a task)
    // and shared; then each task takes a chunk of columns and, depth block by depth block, packs
    // just that chunk of op(B) into a buffer of its own and multiplies it while it is in the
    // core's cache. With few rows B is used by few kernel calls, so packing it whole first
    // (written out to memory, read back by another round) cost as much as the multiply.
    private sealed class StreamedTasks<TK> : IForkJoinBody
        where TK : struct, IGemmKernel
    {
        [ThreadStatic]
        private static StreamedTasks<TK>? cached;

        private GemmArgs g;
        private TaskPlan plan;
        private float[] sharedA = Array.Empty<float>();
        private int jc, nc;
        private bool packing;

        public static void Execute(GemmArgs g, TaskPlan plan, int threads)
        {
            var t = cached ?? new StreamedTasks<TK>();
            cached = null;
            (t.g, t.plan) = (g, plan);
            t.sharedA = ArrayPool<float>.Shared.Rent(RoundUp(g.M, TK.MR) * g.K);
            try
            {
                t.packing = true;
                ForkJoin.Run(t, DepthBlocks(g.K), threads);
                t.packing = false;
                for (t.jc = 0; t.jc < g.N; t.jc += NC)
                {
                    t.nc = Math.Min(NC, g.N - t.jc);
                    int panels = (t.nc + TK.NR - 1) / TK.NR;
                    ForkJoin.Run(t, (panels + plan.PanelsPerChunk - 1) / plan.PanelsPerChunk, threads);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(t.sharedA);
                (t.g, t.sharedA, t.packing) = (default, Array.Empty<float>(), false);
                cached = t;
            }
        }

        public void Run(int task)
        {
            if (packing)
            {
                PackSharedA<TK>(g, sharedA, task);
                return;
            }

            // This task's columns as a block of their own: [c0, c0 + width) of column block jc.
            int c0 = jc + task * plan.PanelsPerChunk * TK.NR;
            int width = Math.Min(plan.PanelsPerChunk * TK.NR, jc + nc - c0);
            int panels = (width + TK.NR - 1) / TK.NR;
            float[] packB = RentPanels(panels * TK.NR * Math.Min(KC, g.K), out int origin);
            Span<float> tile = stackalloc float[TK.MR * TK.NR];
            try
            {
                for (int pc = 0; pc < g.K; pc += KC)
                {
                    var blk = new Block(c0, width, pc, Math.Min(KC, g.K - pc), pc == 0 ? g.Beta : 1f);
                    int aOff = RoundUp(g.M, TK.MR) * pc;
                    bool packAlong = typeof(TK) == typeof(Avx512Kernel) && !g.TransB && g.M % TK.MR == 0
                        && g.M >= 8 * TK.MR && (pc > 0 || g.Bias is null);
                    if (packAlong)
                    {
                        MultiplyPacking(g, blk, sharedA, aOff, packB, origin, panels, tile);
                        continue;
                    }

                    PackB<TK>(g, blk, packB, origin, 0, panels);
                    Multiply<TK>(g, blk, sharedA, packB, origin, 0, g.M, 0, panels, tile, aOff);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(packB);
            }
        }
    }

    // A depth block of a StreamedTasks task on the 8-row AVX-512 kernel, B not transposed, whole
    // row panels (64 rows or more, so the calls of one panel cover the next) and no bias to prime:
    // panel 0 is packed first, then the kernel calls of panel jp pack panel jp + 1 as they
    // multiply (Avx512Kernel.RunPacking), and the rows they did not reach are copied after them. A
    // last panel narrower than NR is packed the usual way. Packing B was a fifth of sgemm-rnn's CPU
    // time; alternating with packing all panels first, on an Emerald Rapids core pair: sgemm-rnn
    // (64x2048x768) x1.051-1.057, 64x1024x512 x1.076, 128x2048x768 x1.006. Copying every 4 steps
    // instead of 8, to cover a panel with fewer rows: sgemm-rnn x1.002, 32x1024x512 x0.887.
    private static void MultiplyPacking(GemmArgs g, Block blk, float[] packA, int aOff, float[] packB, int origin,
        int panels, Span<float> tile)
    {
        const int mr = 8, nr = 32;
        int kc = blk.Kc, perCall = (kc + 7) / 8;
        PackB<Avx512Kernel>(g, blk, packB, origin, 0, 1);
        ref float a0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(packA), aOff);
        ref float b0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(packB), origin);
        ref float c0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(g.C), g.COff);
        ref float t0 = ref MemoryMarshal.GetReference(tile);
        ref float srcRow = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(g.B),
            g.BOff + (nint)blk.Pc * g.Ldb + blk.Jc);   // row pc of op(B) at the block's first column
        for (int jp = 0; jp < panels; jp++)
        {
            int next = jp + 1;
            bool fuse = next < panels && (next + 1) * nr <= blk.Nc;
            if (!fuse && next < panels)
            {
                PackB<Avx512Kernel>(g, blk, packB, origin, next, next + 1);
            }

            ref float bp = ref Unsafe.Add(ref b0, jp * nr * kc);
            ref float src = ref fuse ? ref Unsafe.Add(ref srcRow, next * nr) : ref bp;
            ref float dst = ref fuse ? ref Unsafe.Add(ref b0, next * nr * kc) : ref bp;
            int j = blk.Jc + jp * nr, width = Math.Min(nr, blk.Jc + blk.Nc - j), copied = 0;
            for (int i = 0; i < g.M; i += mr)
            {
                ref float ap = ref Unsafe.Add(ref a0, i * kc);
                ref float cij = ref Unsafe.Add(ref c0, (nint)i * g.Ldc + j);
                if (width < nr)
                {
                    Avx512Kernel.Run(kc, ref ap, ref bp, ref t0, nr, 0f);
                    MergeEdge(ref t0, nr, ref cij, g.Ldc, mr, width, blk.Beta);
                    continue;
                }

                int rows = fuse ? Math.Min(perCall, kc - copied) : 0;
                ref float from = ref Unsafe.Add(ref src, (nint)copied * g.Ldb);
                Avx512Kernel.RunPacking(kc, ref ap, ref bp, ref cij, g.Ldc, blk.Beta, AddressOf(ref bp),
                    ref from, g.Ldb, ref Unsafe.Add(ref dst, copied * nr), rows);
                copied += rows;
            }

            for (; fuse && copied < kc; copied++)
            {
                CopyPanelRow(ref Unsafe.Add(ref src, (nint)copied * g.Ldb), ref Unsafe.Add(ref dst, copied * nr), nr);
            }
        }
    }

    // One (column block, depth block): pack B (split over the threads), then every task packs
    // its A rows and multiplies. Both rounds run on ForkJoin with a reused task object, so a GEMM
    // allocates nothing however many depth blocks it has.
    private static void RunBlock<TK>(GemmArgs g, Block blk, TaskPlan plan, int threads)
        where TK : struct, IGemmKernel
    {
        int panels = (blk.Nc + TK.NR - 1) / TK.NR;
        float[] packB = RentPanels(panels * TK.NR * blk.Kc, out int origin);
        try
        {
            if (threads == 1)
            {
                PackB<TK>(g, blk, packB, origin, 0, panels);
                RunTask<TK>(g, blk, plan, packB, origin, 0, panels, 0, g.M);
                return;
            }

            BlockTasks<TK>.Execute(g, blk, plan, threads, packB, origin, panels);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packB);
        }
    }

    private sealed class BlockTasks<TK> : IForkJoinBody
        where TK : struct, IGemmKernel
    {
        [ThreadStatic]
        private static BlockTasks<TK>? cached;

        private GemmArgs g;
        private Block blk;
        private TaskPlan plan;
        private float[] packB = Array.Empty<float>();
        private int origin, panels, packChunks;
        private bool packing;

        public static void Execute(GemmArgs g, Block blk, TaskPlan plan, int threads, float[] packB, int origin,
            int panels)
        {
            var t = cached ?? new BlockTasks<TK>();
            cached = null;
            (t.g, t.blk, t.plan, t.packB, t.origin, t.panels) = (g, blk, plan, packB, origin, panels);
            t.packChunks = Math.Min(panels, threads);
            t.packing = true;
            ForkJoin.Run(t, t.packChunks, threads);
            t.packing = false;
            ForkJoin.Run(t, plan.RowBlocks * plan.ColChunks, threads);
            (t.g, t.packB) = (default, Array.Empty<float>());
            cached = t;
        }

        public void Run(int task)
        {
            if (packing)
            {
                PackB<TK>(g, blk, packB, origin, panels * task / packChunks, panels * (task + 1) / packChunks);
                return;
            }

            int p0 = Math.Min(panels, task % plan.ColChunks * plan.PanelsPerChunk);
            int p1 = Math.Min(panels, p0 + plan.PanelsPerChunk);
            int i0 = task / plan.ColChunks * plan.RowsPerBlock;
            if (p0 < p1)
            {
                RunTask<TK>(g, blk, plan, packB, origin, p0, p1, i0, Math.Min(g.M, i0 + plan.RowsPerBlock));
            }
        }
    }

    // Rows [i0, i1) of C times B panels [p0, p1) of this block, in row blocks of the kernel's MC.
    private static void RunTask<TK>(
        GemmArgs g, Block blk, TaskPlan plan, float[] packB, int bOff, int p0, int p1, int i0, int i1)
        where TK : struct, IGemmKernel
    {
        int mc = Math.Min(TK.MC, i1 - i0);
        float[] packA = ArrayPool<float>.Shared.Rent(((mc + TK.MR - 1) / TK.MR) * TK.MR * blk.Kc);
        Span<float> tile = stackalloc float[TK.MR * TK.NR];
        try
        {
            for (int ic = i0; ic < i1; ic += TK.MC)
            {
                int rows = Math.Min(TK.MC, i1 - ic);
                PackA<TK>(g, blk, packA, ic, rows);
                Multiply<TK>(g, blk, packA, packB, bOff, ic, rows, p0, p1, tile);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packA);
        }
    }

    // The macro-kernel: B panel outer (stays in L1), A panels inner (stream from L2).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Multiply<TK>(GemmArgs g, Block blk, float[] packA, float[] packB, int bOff,
        int ic, int rows, int p0, int p1, Span<float> tile, int aOff = 0)
        where TK : struct, IGemmKernel
    {
        ref float a0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(packA), aOff);
        ref float b0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(packB), bOff);
        ref float c0 = ref MemoryMarshal.GetArrayDataReference(g.C);
        ref float t0 = ref MemoryMarshal.GetReference(tile);
        // The bias epilogue: at the first depth block each tile of C is set to beta * C + bias
        // just before its kernel call, which then adds to it (beta 1) while the tile is in L1,
        // instead of a pass that writes the bias over all of C before the GEMM reads it back.
        bool prime = blk.Pc == 0 && g.Bias is not null;
        float beta = prime ? 1f : blk.Beta;
        // The AVX-512 kernels prefetch the next B panel into L2, a share a call (the 8-row one 4
        // KiB, so eight calls of a 64-row step cover a 32 KiB panel; the 12-row one 4 KiB in two
        // streams); the range's last panel prefetches itself. A recurrent step's GEMM reads a
        // prepacked W_hh too large for the core's L2. Alternating with kernels that do not, on an
        // Emerald Rapids core pair: lstm-infer x1.065-1.069, lstm-train x1.054, gru-infer x1.026
        // (8-row); 6400x2048x256 x1.029, 1024^3 on one thread x1.018 (12-row). The 6-row AVX2
        // kernel does the same, 4 KiB a call of depth 256 (four calls cover a 16 KiB panel): on a
        // Zen 3 core pair, batch-64 LSTM x1.013-1.025 (x1.028 on one thread), GRU x1.024, a lone
        // 64x2048x768 product on one thread x0.994. (RunTiles uses it too, see MultiplyTile.)
        int panelBytes = TK.NR * blk.Kc * sizeof(float);
        int share = typeof(TK) == typeof(Avx2Kernel) ? Avx2Kernel.PrefetchBytes(blk.Kc)
            : Avx512Kernel.PrefetchBytes(blk.Kc);
        bool pairedEdge = false;
        for (int jp = p0; jp < p1; jp++)
        {
            int j = blk.Jc + jp * TK.NR;
            int nr = Math.Min(TK.NR, blk.Jc + blk.Nc - j);
            ref float bp = ref Unsafe.Add(ref b0, jp * TK.NR * blk.Kc);
            nint bNext = AddressOf(ref Unsafe.Add(ref bp, jp + 1 < p1 ? TK.NR * blk.Kc : 0));
            for (int ip = 0; ip * TK.MR < rows; ip++)
            {
                int i = ic + ip * TK.MR;
                int mr = Math.Min(TK.MR, ic + rows - i);
                ref float ap = ref Unsafe.Add(ref a0, ip * TK.MR * blk.Kc);
                ref float cij = ref Unsafe.Add(ref c0, g.COff + (nint)i * g.Ldc + j);

                // A 2-row edge goes with the next panel's (Avx2Kernel.Run2Wide), when that is whole;
                // the next panel's turn then skips it. Only for beta 0 or 1: the kernel writes
                // beta * C + acc in one rounding and the scratch tile's merge in two, which agree
                // only there, and which panels pair depends on each task's panel range (a helper's
                // fuzzing found 1-thread and 3-thread products differing in the last bit at beta 0.3).
                if (typeof(TK) == typeof(Avx2Kernel) && mr == 2 && (beta == 0f || beta == 1f))
                {
                    if (pairedEdge)
                    {
                        pairedEdge = false;
                        continue;
                    }

                    if (nr == TK.NR && jp + 1 < p1 && j + 2 * TK.NR <= blk.Jc + blk.Nc)
                    {
                        if (prime)
                        {
                            PrimeTile(ref cij, g.Ldc, mr, 2 * TK.NR, ref g.Bias![g.BiasOff + j], blk.Beta);
                        }

                        Avx2Kernel.Run2Wide(blk.Kc, ref ap, ref bp, ref Unsafe.Add(ref bp, TK.NR * blk.Kc), ref cij,
                            g.Ldc, beta);
                        pairedEdge = true;
                        continue;
                    }
                }

                if (prime)
                {
                    PrimeTile(ref cij, g.Ldc, mr, nr, ref g.Bias![g.BiasOff + j], blk.Beta);
                }

                if (mr == TK.MR && nr == TK.NR)
                {
                    if (typeof(TK) == typeof(Avx512Kernel))
                    {
                        Avx512Kernel.RunAhead(blk.Kc, ref ap, ref bp, ref cij, g.Ldc, beta,
                            bNext + (nint)ip * share % panelBytes);
                    }
                    else if (typeof(TK) == typeof(Avx512TallKernel))
                    {
                        nint half = Avx512TallKernel.PrefetchBytes(blk.Kc);
                        Avx512TallKernel.RunAhead(blk.Kc, ref ap, ref bp, ref cij, g.Ldc, beta,
                            bNext + 2 * ip * half % panelBytes, bNext + (2 * ip + 1) * half % panelBytes);
                    }
                    else if (typeof(TK) == typeof(Avx2Kernel))
                    {
                        Avx2Kernel.RunAhead(blk.Kc, ref ap, ref bp, ref cij, g.Ldc, beta,
                            bNext + (nint)ip * share % panelBytes);
                    }
                    else
                    {
                        TK.Run(blk.Kc, ref ap, ref bp, ref cij, g.Ldc, beta);
                    }

                    continue;
                }

                // A 64-row product on the 6-row AVX2 kernel ends in a 4-row tile: written in place by
                // the 4-row kernel, not computed 6 rows tall in the scratch tile and copied out. A
                // 64x2048x512 product on one Zen 3 core, alternating: x1.049; lstm-infer x1.033.
                if (typeof(TK) == typeof(Avx2Kernel) && mr == 4 && nr == TK.NR)
                {
                    Avx2Kernel.Run4(blk.Kc, ref ap, ref bp, ref cij, g.Ldc, beta);
                    continue;
                }

                TK.Run(blk.Kc, ref ap, ref bp, ref t0, TK.NR, 0f);
                MergeEdge(ref t0, TK.NR, ref cij, g.Ldc, mr, nr, beta);
            }
        }
    }

    // One task of RunTiles: rows [i0, i1) of C by the columns of B panels [p0, p1) of the column
    // block at jc, summed over every depth block in a buffer of the task's own, whose rows lie
    // one tile width apart, then written to C once with beta and the bias. Summed in C itself,
    // the tile's rows lie ldc apart, 4 KiB for a 1024-wide C: a kernel's 12 rows fall in the
    // same cache sets and the L2 holds only part of the tile's C between depth blocks (on Zen 4
    // the kernel ran at 93-94% of the peak in C against 97% in such a buffer). Every kernel call
    // is a whole MR x NR tile: the sums of padded rows and columns past the matrix are not
    // written out.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyTile<TK>(GemmArgs g, float[] packA, float[] packB, int origin, int jc, int nc,
        int i0, int i1, int p0, int p1)
        where TK : struct, IGemmKernel
    {
        int rowPanels = (i1 - i0 + TK.MR - 1) / TK.MR, ld = (p1 - p0) * TK.NR;
        float[] sums = ArrayPool<float>.Shared.Rent(rowPanels * TK.MR * ld);
        try
        {
            ref float s0 = ref MemoryMarshal.GetArrayDataReference(sums);
            ref float a = ref MemoryMarshal.GetArrayDataReference(packA);
            ref float b = ref MemoryMarshal.GetArrayDataReference(packB);
            int paddedM = RoundUp(g.M, TK.MR);
            for (int pc = 0; pc < g.K; pc += KC)
            {
                int kc = Math.Min(KC, g.K - pc);
                float beta = pc == 0 ? 0f : 1f;
                ref float a0 = ref Unsafe.Add(ref a, paddedM * pc + i0 * kc);
                ref float b0 = ref Unsafe.Add(ref b, PackedOffset<TK>(origin, g.K, jc, nc, pc));

                // The 12-row AVX-512 kernel prefetches into L2 what later calls would first read
                // from L3: the next B panel (after the last, the first of the next depth block), a
                // share a call, and this task's A rows of the next depth block, spread over all of
                // this block's calls. The last block prefetches its own panels (no-ops). 1024^3 on
                // an Emerald Rapids core pair, alternating with the kernel that does not: x1.026,
                // x1.032.
                int next = pc + KC < g.K ? pc + KC : pc, nextKc = Math.Min(KC, g.K - next);
                nint aNext = AddressOf(ref Unsafe.Add(ref a, paddedM * next + i0 * nextKc));
                nint bNextBlock = AddressOf(ref Unsafe.Add(ref b, PackedOffset<TK>(origin, g.K, jc, nc, next)
                    + p0 * TK.NR * nextKc));
                int aNextBytes = rowPanels * TK.MR * nextKc * sizeof(float);
                int panelBytes = TK.NR * kc * sizeof(float);
                int share = typeof(TK) == typeof(Avx2Kernel) ? Avx2Kernel.PrefetchBytes(kc)
                    : Avx512TallKernel.PrefetchBytes(kc);
                for (int jp = p0; jp < p1; jp++)
                {
                    ref float bp = ref Unsafe.Add(ref b0, jp * TK.NR * kc);
                    ref float sj = ref Unsafe.Add(ref s0, (jp - p0) * TK.NR);
                    nint bNext = jp + 1 < p1 ? AddressOf(ref Unsafe.Add(ref bp, TK.NR * kc)) : bNextBlock;
                    for (int ip = 0; ip < rowPanels; ip++)
                    {
                        ref float ai = ref Unsafe.Add(ref a0, ip * TK.MR * kc);
                        ref float si = ref Unsafe.Add(ref sj, ip * TK.MR * ld);
                        if (typeof(TK) == typeof(Avx512TallKernel))
                        {
                            nint call = (jp - p0) * rowPanels + ip;
                            Avx512TallKernel.RunAhead(kc, ref ai, ref bp, ref si, ld, beta,
                                aNext + call * share % aNextBytes, bNext + (nint)ip * share % panelBytes);
                        }
                        else if (typeof(TK) == typeof(Avx2Kernel))
                        {
                            // The next B panel into L2 and the tile of sums into L1, as in a
                            // recurrent step: on a Zen 3 core pair, alternating with Run, 1024^3
                            // x1.037, x1.028, x1.017 (x1.011, x1.006, x1.019 in the session
                            // before, without the sums' fetch), 2048x1024x1024 x1.034,
                            // 1024x2048x512 x1.036.
                            Avx2Kernel.RunAhead(kc, ref ai, ref bp, ref si, ld, beta,
                                bNext + (nint)ip * share % panelBytes);
                        }
                        else
                        {
                            TK.Run(kc, ref ai, ref bp, ref si, ld, beta);
                        }
                    }
                }
            }

            int j0 = jc + p0 * TK.NR;
            StoreSums(g, ref s0, ld, i0, i1 - i0, j0, Math.Min(jc + nc, jc + p1 * TK.NR) - j0);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(sums);
        }
    }

    // The address of a float in a pooled packing buffer, for prefetches only: large arrays are
    // not moved by the GC by default, and a prefetch of a stale address is only a wasted load.
    private static unsafe nint AddressOf(ref float x) => (nint)Unsafe.AsPointer(ref x);

    // C[i0 + r, j0 + j] = sums[r * ld + j] + bias[j0 + j] + beta * C, for r < rows, j < cols; beta
    // 0 never reads C.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StoreSums(in GemmArgs g, ref float sums, int ld, int i0, int rows, int j0, int cols)
    {
        int vec = Vector256<float>.Count;
        var vb = Vector256.Create(g.Beta);
        ref float bias = ref g.Bias is null ? ref Unsafe.NullRef<float>()
            : ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(g.Bias), g.BiasOff + j0);
        bool hasBias = g.Bias is not null;
        ref float c0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(g.C), g.COff + (nint)i0 * g.Ldc + j0);
        for (int r = 0; r < rows; r++)
        {
            ref float src = ref Unsafe.Add(ref sums, (nint)r * ld);
            ref float dst = ref Unsafe.Add(ref c0, (nint)r * g.Ldc);
            int j = 0;
            for (; j + vec <= cols; j += vec)
            {
                var v = Vector256.LoadUnsafe(ref src, (nuint)j);
                if (hasBias)
                {
                    v += Vector256.LoadUnsafe(ref bias, (nuint)j);
                }

                if (g.Beta != 0f)
                {
                    v += vb * Vector256.LoadUnsafe(ref dst, (nuint)j);
                }

                v.StoreUnsafe(ref dst, (nuint)j);
            }

            for (; j < cols; j++)
            {
                float v = Unsafe.Add(ref src, j) + (hasBias ? Unsafe.Add(ref bias, j) : 0f);
                ref float d = ref Unsafe.Add(ref dst, j);
                d = g.Beta == 0f ? v : v + g.Beta * d;
            }
        }
    }

    // C[mr, nr] = tile + beta * C for a partial tile at the matrix edge.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MergeEdge(ref float tile, int tileLd, ref float c, int ldc, int mr, int nr, float beta)
    {
        for (int r = 0; r < mr; r++)
        {
            ref float src = ref Unsafe.Add(ref tile, r * tileLd);
            ref float dst = ref Unsafe.Add(ref c, (nint)r * ldc);
            for (int j = 0; j < nr; j++)
            {
                ref float d = ref Unsafe.Add(ref dst, j);
                d = beta == 0f ? Unsafe.Add(ref src, j) : Unsafe.Add(ref src, j) + beta * d;
            }
        }
    }

    // packA[ip][p][r] = alpha * op(A)[ic + ip*MR + r, pc + p], rows past the edge zero.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA<TK>(GemmArgs g, Block blk, float[] packA, int ic, int rows, int aOff = 0)
        where TK : struct, IGemmKernel
    {
        int mr = TK.MR;
        int kc = blk.Kc;
        ref float src0 = ref MemoryMarshal.GetArrayDataReference(g.A);
        ref float dst0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(packA), aOff);
        for (int ip = 0; ip * mr < rows; ip++)
        {
            ref float dst = ref Unsafe.Add(ref dst0, ip * mr * kc);
            int live = Math.Min(mr, rows - ip * mr);
            int row0 = ic + ip * mr;
            if (!g.TransA)
            {
                // Row r of op(A) is contiguous in A: read along it, write with stride MR. The
                // first 8 rows of a whole panel go through 8x8 register transposes.
                ref float panel = ref Unsafe.Add(ref src0, g.AOff + (nint)row0 * g.Lda + blk.Pc);
                int r8 = Avx.IsSupported && live == mr && mr >= 8 ? 8 : 0;
                int p8 = r8 == 8 ? kc / 8 * 8 : 0;
                for (int p = 0; p < p8; p += 8)
                {
                    Transpose8x8(ref Unsafe.Add(ref panel, p), g.Lda, ref Unsafe.Add(ref dst, p * mr), mr, g.Alpha);
                }

                // The 12-row kernel's last four rows of a whole panel: 4x8 register transposes.
                if (r8 == 8 && mr == 12)
                {
                    ref float rows8 = ref Unsafe.Add(ref panel, (nint)8 * g.Lda);
                    for (int p = 0; p < p8; p += 8)
                    {
                        Transpose4x8(ref Unsafe.Add(ref rows8, p), g.Lda, ref Unsafe.Add(ref dst, p * mr + 8), mr,
                            g.Alpha);
                    }

                    r8 = 12;
                }

                // The 6-row AVX2 kernel's whole panels: rows 0-3 and rows 2-5 through 4x8 register
                // transposes (rows 2 and 3 written twice, the same values), not float by float. A
                // 64x512x2048 product (a step's dh) on one Zen 3 core, alternating: x1.044.
                if (Avx.IsSupported && live == mr && mr == 6)
                {
                    p8 = kc / 8 * 8;
                    ref float rows2 = ref Unsafe.Add(ref panel, (nint)2 * g.Lda);
                    for (int p = 0; p < p8; p += 8)
                    {
                        Transpose4x8(ref Unsafe.Add(ref panel, p), g.Lda, ref Unsafe.Add(ref dst, p * mr), mr, g.Alpha);
                        Transpose4x8(ref Unsafe.Add(ref rows2, p), g.Lda, ref Unsafe.Add(ref dst, p * mr + 2), mr,
                            g.Alpha);
                    }

                    r8 = 6;
                }

                for (int r = 0; r < live; r++)
                {
                    ref float src = ref Unsafe.Add(ref panel, (nint)r * g.Lda);
                    for (int p = r < r8 ? p8 : 0; p < kc; p++)
                    {
                        Unsafe.Add(ref dst, p * mr + r) = g.Alpha * Unsafe.Add(ref src, p);
                    }
                }
            }
            else
            {
                // Column p of op(A) is contiguous in A^T: each packed group of MR is one short
                // copy, in 8- and 4-float vectors (a weight gradient dG^T X packs all of dG so).
                var alpha8 = Vector256.Create(g.Alpha);
                var alpha4 = Vector128.Create(g.Alpha);
                for (int p = 0; p < kc; p++)
                {
                    ref float src = ref Unsafe.Add(ref src0, g.AOff + (nint)(blk.Pc + p) * g.Lda + row0);
                    ref float to = ref Unsafe.Add(ref dst, p * mr);
                    int r = 0;
                    for (; r + 8 <= live; r += 8)
                    {
                        (alpha8 * Vector256.LoadUnsafe(ref src, (nuint)r)).StoreUnsafe(ref to, (nuint)r);
                    }

                    for (; r + 4 <= live; r += 4)
                    {
                        (alpha4 * Vector128.LoadUnsafe(ref src, (nuint)r)).StoreUnsafe(ref to, (nuint)r);
                    }

                    for (; r < live; r++)
                    {
                        Unsafe.Add(ref to, r) = g.Alpha * Unsafe.Add(ref src, r);
                    }
                }
            }

            for (int p = 0; live < mr && p < kc; p++)
            {
                for (int r = live; r < mr; r++)
                {
                    Unsafe.Add(ref dst, p * mr + r) = 0f;
                }
            }
        }
    }

    // packB[bOff + jp*NR*kc + p*NR + j] = op(B)[pc + p, jc + jp*NR + j] for panels [p0, p1),
    // columns past the edge zero.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB<TK>(GemmArgs g, Block blk, float[] packB, int bOff, int p0, int p1)
        where TK : struct, IGemmKernel
    {
        int nr = TK.NR;
        int kc = blk.Kc;
        ref float src0 = ref MemoryMarshal.GetArrayDataReference(g.B);
        ref float dst0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(packB), bOff);
        if (!g.TransB)
        {
            // Row p of op(B) is contiguous in B: walk it once across the panels, NR floats into
            // each. Walking panel by panel would read NR floats from each of kc rows ldb apart,
            // a pattern the hardware prefetchers do not follow (sgemm-1024 ~9% slower that way).
            for (int p = 0; p < kc; p++)
            {
                ref float src = ref Unsafe.Add(ref src0, g.BOff + (nint)(blk.Pc + p) * g.Ldb + blk.Jc);
                // Whole panels in 8-float vectors: as span copies of NR floats each went through
                // Memmove, whose call and size dispatch took a fifth of sgemm-rnn's CPU time on an
                // Emerald Rapids core pair (alternating: sgemm-rnn x1.08 twice, 1024^3 x1.01).
                int jp = p0;
                for (int whole = Math.Min(p1, blk.Nc / nr); jp < whole; jp++)
                {
                    CopyPanelRow(ref Unsafe.Add(ref src, jp * nr), ref Unsafe.Add(ref dst0, jp * nr * kc + p * nr), nr);
                }

                for (; jp < p1; jp++)
                {
                    int live = Math.Min(nr, blk.Nc - jp * nr);
                    MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref src, jp * nr), live)
                        .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dst0, jp * nr * kc + p * nr), live));
                }
            }
        }

        for (int jp = p0; jp < p1; jp++)
        {
            ref float dst = ref Unsafe.Add(ref dst0, jp * nr * kc);
            int col0 = blk.Jc + jp * nr;
            int live = Math.Min(nr, blk.Jc + blk.Nc - col0);
            if (g.TransB)
            {
                // Column j of op(B) is row col0 + j of B, contiguous along p: transpose 8 x 8
                // blocks in registers where they are whole, the rest one float at a time.
                int j8 = Avx.IsSupported ? live / 8 * 8 : 0;
                int p8 = kc / 8 * 8;
                ref float srcPanel = ref Unsafe.Add(ref src0, g.BOff + (nint)col0 * g.Ldb + blk.Pc);
                for (int j = 0; j < j8; j += 8)
                {
                    for (int p = 0; p < p8; p += 8)
                    {
                        Transpose8x8(ref Unsafe.Add(ref srcPanel, (nint)j * g.Ldb + p), g.Ldb,
                            ref Unsafe.Add(ref dst, p * nr + j), nr, 1f);
                    }
                }

                for (int j = 0; j < live; j++)
                {
                    ref float src = ref Unsafe.Add(ref srcPanel, (nint)j * g.Ldb);
                    for (int p = j < j8 ? p8 : 0; p < kc; p++)
                    {
                        Unsafe.Add(ref dst, p * nr + j) = Unsafe.Add(ref src, p);
                    }
                }
            }

            for (int p = 0; live < nr && p < kc; p++)
            {
                MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dst, p * nr + live), nr - live).Clear();
            }
        }
    }

    // One row of a whole packed panel: nr floats (a multiple of 8) in 8-float vectors.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyPanelRow(ref float from, ref float to, int nr)
    {
        for (int q = 0; q < nr; q += 8)
        {
            Vector256.LoadUnsafe(ref from, (nuint)q).StoreUnsafe(ref to, (nuint)q);
        }
    }

    // Four rows of 8 floats (scaled) regrouped by column, per 128-bit lane: u0 holds columns 0 | 4
    // of the four rows, u1 columns 1 | 5, u2 columns 2 | 6, u3 columns 3 | 7 (AVX unpack / shuffle).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> U0, Vector256<float> U1, Vector256<float> U2, Vector256<float> U3) Columns4x8(
        ref float src, int lds, Vector256<float> scale)
    {
        var r0 = scale * Vector256.LoadUnsafe(ref src);
        var r1 = scale * Vector256.LoadUnsafe(ref Unsafe.Add(ref src, lds));
        var r2 = scale * Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 2 * lds));
        var r3 = scale * Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 3 * lds));
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        return (Avx.Shuffle(t0, t2, 0x44), Avx.Shuffle(t0, t2, 0xEE), Avx.Shuffle(t1, t3, 0x44),
            Avx.Shuffle(t1, t3, 0xEE));
    }

    // dst[p * ldd + r] = scale * src[r * lds + p] for 4 rows r and 8 columns p: four floats
    // (one column of the 4 rows) at each of 8 places ldd apart.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x8(ref float src, int lds, ref float dst, int ldd, float scale)
    {
        var (u0, u1, u2, u3) = Columns4x8(ref src, lds, Vector256.Create(scale));
        u0.GetLower().StoreUnsafe(ref dst);
        u1.GetLower().StoreUnsafe(ref Unsafe.Add(ref dst, ldd));
        u2.GetLower().StoreUnsafe(ref Unsafe.Add(ref dst, 2 * ldd));
        u3.GetLower().StoreUnsafe(ref Unsafe.Add(ref dst, 3 * ldd));
        u0.GetUpper().StoreUnsafe(ref Unsafe.Add(ref dst, 4 * ldd));
        u1.GetUpper().StoreUnsafe(ref Unsafe.Add(ref dst, 5 * ldd));
        u2.GetUpper().StoreUnsafe(ref Unsafe.Add(ref dst, 6 * ldd));
        u3.GetUpper().StoreUnsafe(ref Unsafe.Add(ref dst, 7 * ldd));
    }

    // dst[q * ldd + r] = scale * src[r * lds + q] for r, q < 8: eight rows in, eight columns
    // out, as two groups of four rows joined by lane permutes (AVX).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(ref float src, int lds, ref float dst, int ldd, float scale)
    {
        var s = Vector256.Create(scale);
        var (u0, u1, u2, u3) = Columns4x8(ref src, lds, s);
        var (u4, u5, u6, u7) = Columns4x8(ref Unsafe.Add(ref src, 4 * lds), lds, s);

        // Low lanes hold columns 0-3, high lanes 4-7: rows 0-3 from u0..u3, rows 4-7 from u4..u7.
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref dst);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, ldd));
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, 2 * ldd));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, 3 * ldd));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 4 * ldd));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 5 * ldd));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 6 * ldd));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 7 * ldd));
    }

    // C[mr, nr] = bias[0..nr) + beta * C (beta 0: the bias alone, whatever C held).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PrimeTile(ref float c, int ldc, int mr, int nr, ref float bias, float beta)
    {
        int vec = Vector256<float>.Count;
        for (int r = 0; r < mr; r++)
        {
            ref float row = ref Unsafe.Add(ref c, (nint)r * ldc);
            int j = 0;
            if (beta == 0f)
            {
                for (; j + vec <= nr; j += vec)
                {
                    Vector256.LoadUnsafe(ref bias, (nuint)j).StoreUnsafe(ref row, (nuint)j);
                }

                for (; j < nr; j++)
                {
                    Unsafe.Add(ref row, j) = Unsafe.Add(ref bias, j);
                }

                continue;
            }

            var vb = Vector256.Create(beta);
            for (; j + vec <= nr; j += vec)
            {
                var v = Vector256.LoadUnsafe(ref bias, (nuint)j) + vb * Vector256.LoadUnsafe(ref row, (nuint)j);
                v.StoreUnsafe(ref row, (nuint)j);
            }

            for (; j < nr; j++)
            {
                ref float x = ref Unsafe.Add(ref row, j);
                x = Unsafe.Add(ref bias, j) + beta * x;
            }
        }
    }

    // Sets all of C to beta * C + bias and returns g as a plain GEMM that adds to it (beta 1):
    // for the paths without a bias epilogue.
    private static GemmArgs PrimeAll(in GemmArgs g)
    {
        for (int i = 0; i < g.M; i++)
        {
            PrimeTile(ref g.C[g.COff + i * g.Ldc], g.Ldc, 1, g.N, ref g.Bias![g.BiasOff], g.Beta);
        }

        return g with { Beta = 1f, Bias = null, BiasOff = 0 };
    }

    // C = beta * C when there is nothing to add (k = 0 or alpha = 0); beta = 0 clears.
    private static void ScaleC(in GemmArgs g)
    {
        for (int i = 0; i < g.M; i++)
        {
            var row = g.C.AsSpan(g.COff + i * g.Ldc, g.N);
            if (g.Beta == 0f)
            {
                row.Clear();
            }
            else if (g.Beta != 1f)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, g.Beta, row);
            }
        }
    }

    private readonly record struct Block(int Jc, int Nc, int Pc, int Kc, float Beta);

    // How one column block is split into tasks: row blocks (multiples of MR) times column chunks
    // (multiples of NR), at least two tasks a thread for balance under a busy scheduler.
    private readonly record struct TaskPlan(int RowsPerBlock, int RowBlocks, int PanelsPerChunk, int ColChunks)
    {
        /// <summary>
        /// RunTiles's tasks: tiles of about TileRows rows (a multiple of MR) by TileEdge columns
        /// (whole panels), smaller where that leaves fewer than two tasks a thread.
        /// </summary>
        public static TaskPlan Tiles<TK>(int m, int nc, int threads)
            where TK : struct, IGemmKernel
        {
            int panels = (nc + TK.NR - 1) / TK.NR;
            int perChunk = Math.Clamp(TileEdge / TK.NR, 1, panels);
            int chunks = (panels + perChunk - 1) / perChunk;
            int wanted = Math.Max((m + TileRows - 1) / TileRows, (2 * threads + chunks - 1) / chunks);
            int rows = RoundUp((m + wanted - 1) / wanted, TK.MR);
            return new TaskPlan(rows, (m + rows - 1) / rows, perChunk, chunks);
        }

        public static TaskPlan Create<TK>(int m, int nc, int threads)
            where TK : struct, IGemmKernel
        {
            int panels = (nc + TK.NR - 1) / TK.NR;
            if (threads == 1)
            {
                return new TaskPlan(m, 1, panels, 1);
            }

            int wanted = 2 * threads;
            if (m <= TK.MC)
            {
                // Few rows (a recurrent step): every task takes all of them and a share of the B
                // panels, so each B panel serves every A panel while it sits in L1; a row split
                // would stream the whole packed B through every task for a few tiles each.
                int share = (panels + wanted - 1) / wanted;
                return new TaskPlan(m, 1, share, (panels + share - 1) / share);
            }

            // Many rows: equal row blocks of about TaskRows rows (a task packs and multiplies its
            // own A rows), far more tasks than threads. Every task reads the same shared packed B,
            // so nothing is re-packed; small tasks balance the cores at each depth block's join.
            // With four tasks of 264 rows for 1024 rows a core often sat idle for most of a task
            // there (process CPU time 1.7-1.8 cores of 2); with nine of MC rows one core still took
            // five. Measured in paired alternation against MC-row tasks: 1024^3 x1.06-1.10,
            // 6400x2048x256 x1.02, 6400x512x2048 x1.01 (and MC-row tasks against 264-row ones:
            // 1024^3 x1.06-1.09, 6400x2048x256 x1.12, 6400x512x2048 x1.13).
            wanted = Math.Max(wanted, (m + TaskRows - 1) / TaskRows);
            int rows = RoundUp(Math.Max(1, (m + wanted - 1) / wanted), TK.MR);
            int rowBlocks = (m + rows - 1) / rows;
            int chunks = rowBlocks >= wanted ? 1 : Math.Min(panels, (wanted + rowBlocks - 1) / rowBlocks);
            int perChunk = (panels + chunks - 1) / chunks;
            return new TaskPlan(rows, rowBlocks, perChunk, (panels + perChunk - 1) / perChunk);
        }
    }
}
