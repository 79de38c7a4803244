using System.Buffers;
using System.Runtime.CompilerServices;
using Rnn.Core.Cpu;

namespace Rnn.Core;

// One recurrent step as one parallel region. Each task takes a range of hidden units, runs the
// recurrent GEMM h W_hh^T for those units' columns in every gate block (W_hh packed once for
// the pass), then the gate kernel for the same units. A step is one fork/join with the gates
// spread over the threads, where GEMM-then-kernel was a fork/join followed by a serial kernel
// (and a second thread spinning through it). Same arithmetic as Gemm + LstmGatesForward /
// GruGatesForward, element for element.
public sealed partial class CpuBackend
{
    /// <summary>
    /// True when a step over this packed W_hh^T can be fused: packed for this backend, one row
    /// (the row kernel) or more rows than the few-row GEMM takes, one block per gate, and units
    /// that split on panel edges.
    /// </summary>
    internal bool CanFuseStep(PackedB uT, int batch, int hidden, int gateCount) =>
        uT.Simd == Simd && uT.TransB && (batch == 1 || batch > SmallGemm.MaxRows) &&
        uT.N == gateCount * hidden && uT.K == hidden && hidden % PackedGemm.PanelWidth(Simd) == 0;

    /// <summary>gates += h_{t-1} W_hh^T, then <see cref="LstmGatesForward"/>, fused per unit range.</summary>
    internal void LstmStepForward(
        int batch, int hidden, PackedB uT, Tensor rec, int recOffset,
        Tensor gates, int gatesOffset,
        Tensor cPrev, int cPrevOffset, Tensor hPrev, int hPrevOffset,
        Tensor c, int cOffset, Tensor h, int hOffset,
        Tensor? mask, int maskOffset)
    {
        var step = StepTasks.Take();
        step.Args = StepArgs(batch, hidden, 4, uT, rec, recOffset, gates, gatesOffset);
        (step.Simd, step.Packed, step.Batch, step.Hidden, step.Gates) = (Simd, uT, batch, hidden, 4);
        (step.A, step.AOffset, step.B, step.BOffset) = (gates, gatesOffset, cPrev, cPrevOffset);
        (step.C, step.COffset, step.D, step.DOffset) = (hPrev, hPrevOffset, c, cOffset);
        (step.E, step.EOffset, step.Mask, step.MaskOffset) = (h, hOffset, mask, maskOffset);
        RunStep(step);
    }

    /// <summary>
    /// gh += h_{t-1} W_hh^T, then reset-after <see cref="GruGatesForward"/>, fused per unit range.
    /// With <paramref name="ghBias"/> [3*hidden], gh is written as ghBias + h_{t-1} W_hh^T instead
    /// (its earlier contents ignored), the bias added as each tile is written.
    /// </summary>
    internal void GruStepForward(
        int batch, int hidden, PackedB uT, Tensor rec, int recOffset,
        Tensor gi, int giOffset, Tensor gh, int ghOffset,
        Tensor hPrev, int hPrevOffset, Tensor h, int hOffset,
        Tensor? mask, int maskOffset, Tensor? ghBias = null)
    {
        var step = StepTasks.Take();
        step.Args = StepArgs(batch, hidden, 3, uT, rec, recOffset, gh, ghOffset, ghBias);
        (step.Simd, step.Packed, step.Batch, step.Hidden, step.Gates) = (Simd, uT, batch, hidden, 3);
        (step.A, step.AOffset, step.B, step.BOffset) = (gi, giOffset, gh, ghOffset);
        (step.C, step.COffset, step.D, step.DOffset) = (hPrev, hPrevOffset, h, hOffset);
        (step.E, step.EOffset, step.Mask, step.MaskOffset) = (h, hOffset, mask, maskOffset);
        RunStep(step);
    }

    /// <summary>
    /// True when a sequence over this packed W_hh^T runs all its steps as one parallel region
    /// (<see cref="LstmSequenceForward"/>, <see cref="GruSequenceForward"/>): a fusable step
    /// (batch 1 or more rows than the few-row GEMM takes) with enough work to split and at least
    /// two panel groups of units.
    /// </summary>
    internal bool CanRunSequence(PackedB uT, int batch, int hidden, int gateCount) =>
        Threads > 1 && CanFuseStep(uT, batch, hidden, gateCount) &&
        (long)gateCount * hidden * hidden >= 48L * 48 * 48 && hidden / PackedGemm.PanelWidth(Simd) >= 2;

    /// <summary>
    /// <paramref name="time"/> <see cref="LstmStepForward"/> steps of <paramref name="batch"/> rows,
    /// step t reading slot t of hs and cs and gate rows t, writing slot t + 1: the same arithmetic,
    /// run as one parallel region (see <see cref="SequenceTasks"/>) instead of a fork/join a step.
    /// </summary>
    internal void LstmSequenceForward(int time, int batch, int hidden, PackedB uT, Tensor hs, Tensor gates, Tensor cs,
        Tensor? mask)
    {
        CheckSequence(time, batch, hidden, 4, hs, gates, cs, mask);
        var step = StepTasks.Take();
        step.Args = StepArgs(batch, hidden, 4, uT, hs, 0, gates, 0);
        (step.Simd, step.Packed, step.Batch, step.Hidden, step.Gates) = (Simd, uT, batch, hidden, 4);
        (step.A, step.AOffset, step.B, step.BOffset) = (gates, 0, cs, 0);
        (step.C, step.COffset, step.D, step.DOffset) = (hs, 0, cs, batch * hidden);
        (step.E, step.EOffset, step.Mask, step.MaskOffset) = (hs, batch * hidden, mask, 0);
        RunSequence(step, time, aStride: batch * 4 * hidden, bStride: batch * hidden);
    }

    /// <summary>
    /// True when a sequence's input projection can run inside its steps
    /// (<see cref="LstmSequenceForwardProjecting"/>): W_ih^T packed for this backend as
    /// [input, gateCount*hidden] and a batch the many-row kernels take. A batch-1 step would
    /// stream all of W_ih's panels at every step, where one GEMM over all steps reads them once.
    /// </summary>
    internal bool CanProjectInSteps(PackedB wT, int batch, int hidden, int gateCount) =>
        wT.Simd == Simd && wT.TransB && batch > SmallGemm.MaxRows && wT.N == gateCount * hidden;

    /// <summary>
    /// <see cref="LstmSequenceForward"/> with the input projection done step by step: the
    /// pre-activations of step t, bias + x_t W_ih^T + h_{t-1} W_hh^T, go into a scratch slot of
    /// two steps, x_t W_ih^T one step early (it needs no h; see SequenceTasks), then each task adds
    /// its units' h_{t-1} W_hh^T, runs the gate kernel there, and copies the activated gates to
    /// <paramref name="gates"/> rows t when the backward pass needs them (null: inference). The
    /// separate projection wrote 52 MB of pre-activations for a batch-64, 100-step, 512-unit LSTM
    /// that every step then read back from memory, its GEMM waiting on a cache miss for C at every
    /// tile. Same arithmetic, in the same order, as the projection followed by
    /// <see cref="LstmSequenceForward"/>.
    /// </summary>
    /// <param name="time">Steps.</param>
    /// <param name="batch">Rows a step.</param>
    /// <param name="hidden">Units.</param>
    /// <param name="uT">W_hh^T packed (<see cref="CanFuseStep"/>).</param>
    /// <param name="wT">W_ih^T packed as [input, 4*hidden] (<see cref="CanProjectInSteps"/>).</param>
    /// <param name="xs">Inputs, time-major [time*batch, input].</param>
    /// <param name="bias">[4*hidden], added to every row.</param>
    /// <param name="hs">State slots of h, [(time+1)*batch, hidden]; slot 0 the initial state.</param>
    /// <param name="gates">[time*batch, 4*hidden] for the activated gates, or null.</param>
    /// <param name="cs">State slots of c, as hs.</param>
    /// <param name="mask">[time*batch], 0 at padding, or null.</param>
    /// <param name="y">
    /// The output sequence [batch, time, hidden], or null: each step's h also goes to y[b, t]
    /// (zero at padding) while it is in cache, so no pass copies the state slots out afterwards.
    /// </param>
    /// <param name="twoSlots">
    /// hs and cs hold two slots, used in turn: step t reads slot t % 2 and writes the other, so the
    /// final state is in slot time % 2. Inference only (no <paramref name="gates"/>): the states of
    /// the steps between are gone, and the few rows in use stay in cache.
    /// </param>
    internal void LstmSequenceForwardProjecting(int time, int batch, int hidden, PackedB uT, PackedB wT, Tensor xs,
        Tensor bias, Tensor hs, Tensor? gates, Tensor cs, Tensor? mask, Tensor? y = null, bool twoSlots = false)
    {
        int n = 4 * hidden;
        if (!CanProjectInSteps(wT, batch, hidden, 4) || wT.K != xs.Dim(1) || xs.Length < (long)time * batch * wT.K)
        {
            throw new ArgumentException(
                $"a {time}-step projection of batch {batch} needs W_ih^T packed for {Simd} as [{xs.Dim(1)}, {n}] and " +
                $"{time}x{batch} input rows; got [{wT.K}, {wT.N}] for {wT.Simd}, {xs.Describe()}");
        }

        if (twoSlots && gates is not null)
        {
            throw new ArgumentException("two state slots keep no states for the backward pass: gates must be null");
        }

        CheckSequence(time, batch, hidden, 4, hs, gates, cs, mask, twoSlots ? 2 : time + 1);
        BackendChecks.Matrix("bias", bias, 0, n, 1, n);
        if (y is not null)
        {
            BackendChecks.Matrix("y", y, 0, time * hidden, batch, time * hidden);
        }

        if (time == 0)
        {
            return;
        }

        var step = StepTasks.Take();
        // Two steps' pre-activations, used in turn (step t in slot t % 2: the input GEMM of step
        // t + 1 fills one while step t reads the other); from a cache line on, so the tasks' unit
        // ranges (multiples of 32 floats) never share a line. Its rows lie a line more than 4*hidden
        // apart: at 8 KiB (hidden 512) a kernel's rows of C all fell in the same L1 sets, and
        // the batch-64 inference ran 1.8-3.5% slower on Zen 4 (one process alternating the two).
        int preLd = n + 16;
        float[] pre = PackedGemm.RentPanels(2 * batch * preLd, out int origin);
        float[]? packedX0 = null, packedX1 = null;
        try
        {
            // Both GEMMs write the scratch: the input one first (bias + x_t W_ih^T, in stage
            // t), then the recurrent one adds to it (in stage t + 1).
            step.Args = StepArgs(batch, hidden, 4, uT, hs, 0, null, 0) with
            {
                C = pre, COff = origin, Ldc = preLd, Beta = 1f,
            };
            var src = wT.Source;
            step.InputArgs = new GemmArgs(false, true, batch, n, wT.K, 1f, Raw(xs), xs.Offset, wT.K, Raw(src),
                src.Offset + wT.SourceOffset, wT.Ldb, 0f, pre, origin, preLd, Raw(bias), bias.Offset);
            (step.Simd, step.Packed, step.Input, step.Y) = (Simd, uT, wT, y);
            (step.Batch, step.Hidden, step.Gates, step.PreSlot) = (batch, hidden, 4, batch * preLd);
            // Each step's rows of x packed once, by one task of the step before (x_0 here),
            // where the kernel takes all of them in one block; else each input task packs its own.
            int xLength = PackedGemm.SharedALength(Simd, step.InputArgs);
            if (xLength > 0)
            {
                packedX0 = ArrayPool<float>.Shared.Rent(xLength);
                packedX1 = ArrayPool<float>.Shared.Rent(xLength);
                (step.PackedX0, step.PackedX1) = (packedX0, packedX1);
                step.PackInputs(0);
            }
            (step.A, step.AOffset, step.B, step.BOffset) = (gates, 0, cs, 0);
            (step.C, step.COffset, step.D, step.DOffset) = (hs, 0, cs, batch * hidden);
            (step.E, step.EOffset, step.Mask, step.MaskOffset) = (hs, batch * hidden, mask, 0);
            RunSequence(step, time, aStride: batch * n, bStride: batch * hidden, twoSlots);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(pre);
            if (packedX0 is not null)
            {
                ArrayPool<float>.Shared.Return(packedX0);
                ArrayPool<float>.Shared.Return(packedX1!);
            }
        }
    }

    /// <summary>
    /// <paramref name="time"/> <see cref="GruStepForward"/> steps of <paramref name="batch"/> rows
    /// (gi and gh rows t, hs slot t to t + 1, <paramref name="ghBias"/> as there) as one parallel
    /// region.
    /// </summary>
    internal void GruSequenceForward(int time, int batch, int hidden, PackedB uT, Tensor hs, Tensor gi, Tensor gh,
        Tensor? mask, Tensor? ghBias = null)
    {
        CheckSequence(time, batch, hidden, 3, hs, gi, gh, mask);
        var step = StepTasks.Take();
        step.Args = StepArgs(batch, hidden, 3, uT, hs, 0, gh, 0, ghBias);
        (step.Simd, step.Packed, step.Batch, step.Hidden, step.Gates) = (Simd, uT, batch, hidden, 3);
        (step.A, step.AOffset, step.B, step.BOffset) = (gi, 0, gh, 0);
        (step.C, step.COffset, step.D, step.DOffset) = (hs, 0, hs, batch * hidden);
        (step.E, step.EOffset, step.Mask, step.MaskOffset) = (hs, batch * hidden, mask, 0);
        RunSequence(step, time, aStride: batch * 3 * hidden, bStride: batch * 3 * hidden);
    }

    // The whole sequence must fit before any step runs: a task cannot stop halfway cleanly.
    private static void CheckSequence(int time, int batch, int hidden, int gateCount, Tensor hs, Tensor? gates,
        Tensor other, Tensor? mask, int? stateSlots = null)
    {
        long slots = (long)(stateSlots ?? time + 1) * batch * hidden;
        long rows = (long)time * batch * gateCount * hidden;
        long otherNeeds = gateCount == 4 ? slots : rows;   // LSTM: cs slots; GRU: gh rows
        if (time < 0 || hs.Length < slots || (gates is not null && gates.Length < rows) || other.Length < otherNeeds ||
            (mask is not null && mask.Length < (long)time * batch))
        {
            throw new ArgumentException(
                $"a {time}-step sequence of batch {batch} and {hidden} units needs {slots} state and {rows} gate " +
                $"values; got {hs.Describe()}, {gates?.Describe() ?? "no gates"}, {other.Describe()}");
        }
    }

    // With twoSlots, the LSTM state slots (h rows of the GEMM, B, C, D, E) alternate between two.
    private void RunSequence(StepTasks step, int time, int aStride, int bStride, bool twoSlots = false)
    {
        var seq = SequenceTasks.Take();
        try
        {
            // Every participant needs the panels at step 0: packed there, one packs while the others wait.
            step.Packed?.Prepack(Threads);
            step.Input?.Prepack(Threads);
            int parts = Math.Min(Math.Min(Threads, SequenceTasks.MaxParts), step.Hidden / PackedGemm.PanelWidth(Simd));
            seq.Start(step, time, parts, aStride, bStride, twoSlots);
            ForkJoin.Run(seq, parts, Threads);
            seq.ThrowIfFailed();
        }
        finally
        {
            seq.Return();
            step.Return();
        }
    }

    // C [batch, gates*hidden] += rec [batch, hidden] W_hh^T, checked like Gemm; with a bias,
    // C = bias + rec W_hh^T. A null c is the caller's scratch, set in the arguments it returns.
    private GemmArgs StepArgs(int batch, int hidden, int gateCount, PackedB uT, Tensor rec, int recOffset,
        Tensor? c, int cOffset, Tensor? bias = null)
    {
        if (!CanFuseStep(uT, batch, hidden, gateCount))
        {
            throw new ArgumentException(
                $"a fused step needs W_hh^T packed for {Simd} as [{hidden}, {gateCount}*{hidden}] and a batch " +
                $"of 1 or over {SmallGemm.MaxRows}; got [{uT.K}, {uT.N}] for {uT.Simd}, batch {batch}");
        }

        int n = gateCount * hidden;
        var src = uT.Source;
        if (c is null)
        {
            BackendChecks.Matrix("A", rec, recOffset, hidden, batch, hidden);
            BackendChecks.Matrix("B", src, uT.SourceOffset, uT.Ldb, n, hidden);
        }
        else
        {
            BackendChecks.Gemm(false, true, batch, n, hidden, rec, recOffset, hidden, src, uT.SourceOffset, uT.Ldb,
                c, cOffset, n);
        }
        if (bias is not null)
        {
            BackendChecks.Matrix("bias", bias, 0, n, 1, n);
        }

        return new GemmArgs(false, true, batch, n, hidden, 1f, Raw(rec), rec.Offset + recOffset, hidden,
            Raw(src), src.Offset + uT.SourceOffset, uT.Ldb, bias is null ? 1f : 0f,
            c is null ? Array.Empty<float>() : Raw(c), (c?.Offset ?? 0) + cOffset, n,
            bias is null ? null : Raw(bias), bias?.Offset ?? 0);
    }

    // Splits the hidden units into panel-aligned ranges, about two a thread, and runs them.
    private void RunStep(StepTasks step)
    {
        int groups = step.Hidden / PackedGemm.PanelWidth(Simd);
        long work = (long)step.Batch * step.Gates * step.Hidden * step.Hidden;
        step.Tasks = Threads == 1 || work < 48L * 48 * 48 ? 1 : Math.Min(groups, 2 * Threads);
        if (step.Tasks > 1)
        {
            step.Packed?.Prepack(Threads);
        }

        int shared = step.Tasks > 1 ? PackedGemm.SharedALength(Simd, step.Args) : 0;
        try
        {
            if (shared > 0)
            {
                // Every task multiplies all rows of h_{t-1}: pack them once, a depth block a
                // task, instead of once in every task.
                step.PackedA = ArrayPool<float>.Shared.Rent(shared);
                step.Packing = true;
                ForkJoin.Run(step, PackedGemm.DepthBlocks(step.Args.K), Threads);
                step.Packing = false;
            }

            ForkJoin.Run(step, step.Tasks, Threads);
        }
        finally
        {
            if (step.PackedA is { } a)
            {
                ArrayPool<float>.Shared.Return(a);
                (step.PackedA, step.Packing) = (null, false);
            }

            step.Return();
        }
    }

    // The arguments of one fused step, reused per thread so a step allocates nothing. LSTM:
    // A gates, B cPrev, C hPrev, D c, E h. GRU: A gi, B gh, C hPrev, D and E h.
    private sealed class StepTasks : IForkJoinBody
    {
        [ThreadStatic]
        private static StepTasks? cached;

        public GemmArgs Args;
        public PackedB? Packed;
        public GemmArgs InputArgs;   // with Input: bias + x_t W_ih^T into Args.C (one step's scratch), step 0's x
        public PackedB? Input;       // W_ih^T packed, when the steps project their own inputs
        public Tensor? Y;            // with Input: the output sequence [batch, time, hidden], or null
        public int PreSlot;          // with Input: floats from one scratch slot of Args.C to the other
        public float[]? PackedX0, PackedX1;   // with Input: even and odd steps' x packed, or null
        public CpuSimd Simd;
        public int Batch, Hidden, Gates, Tasks;
        public float[]? PackedA;   // all rows of h_{t-1} packed once for every task, or null
        public bool Packing;       // this round packs PackedA, one depth block a task
        public Tensor? A, B, C, D, E, Mask;
        public int AOffset, BOffset, COffset, DOffset, EOffset, MaskOffset;

        public static StepTasks Take()
        {
            var t = cached ?? new StepTasks();
            cached = null;
            return t;
        }

        /// <summary>Step t's rows of x packed (with Input and PackedX0), or null.</summary>
        public float[]? PackedX(int t) => t % 2 == 0 ? PackedX0 : PackedX1;

        /// <summary>Packs step t's rows of x into <see cref="PackedX"/>(t).</summary>
        public void PackInputs(int t)
        {
            var x = InputArgs with { AOff = InputArgs.AOff + t * Batch * InputArgs.K };
            for (int block = 0; block < PackedGemm.DepthBlocks(x.K); block++)
            {
                PackedGemm.PackSharedA(Simd, x, PackedX(t)!, block);
            }
        }

        public void Return()
        {
            (Args, Packed, A, B, C, D, E, Mask) = (default, null, null, null, null, null, null, null);
            (InputArgs, Input, Y, PackedX0, PackedX1) = (default, null, null, null, null);
            cached = this;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int task)
        {
            if (Packing)
            {
                PackedGemm.PackSharedA(Simd, Args, PackedA!, task);
                return;
            }

            var (u0, u1) = UnitRange(Simd, Hidden, task, Tasks);
            StepUnits(this, Args, u0, u1, PackedA, AOffset, BOffset, COffset, DOffset, EOffset, MaskOffset, 0);
        }
    }

    /// <summary>
    /// Moves the split of a step's units toward the parts' measured speeds: each part's rate
    /// (groups a tick, over its last step, smoothed) gets a share of the groups in proportion,
    /// at least one. The two cores of a step seldom run at the same speed for long on a shared
    /// host (one measured 134 ms of work over a 100-step run against the other's 188, and
    /// 136 against 122 in a calm one), and with a fixed even split the faster one waited out
    /// the difference at every step. Batch-64 LSTM of 512 units on a Zen 3 core pair, one
    /// process alternating the fixed and the moving split: x1.022-1.086 in five runs; GRU x1.008,
    /// batch 1 x1.003.
    /// </summary>
    /// <param name="bounds">The split, in groups: part i has [bounds[i], bounds[i + 1]); moved in place.</param>
    /// <param name="ticks">Each part's time in the step just finished.</param>
    /// <param name="rates">Each part's smoothed rate (0: none yet), updated in place.</param>
    internal static void RebalanceSplit(Span<int> bounds, ReadOnlySpan<long> ticks, Span<double> rates)
    {
        int parts = rates.Length, groups = bounds[parts];
        double total = 0;
        for (int i = 0; i < parts; i++)
        {
            int size = bounds[i + 1] - bounds[i];
            if (size > 0 && ticks[i] > 0)
            {
                double rate = size / (double)ticks[i];
                rates[i] = rates[i] == 0 ? rate : rates[i] + RateSmoothing * (rate - rates[i]);
            }

            total += rates[i];
        }

        if (rates.Contains(0))
        {
            return;
        }

        double sum = 0;
        for (int i = 1; i < parts; i++)
        {
            sum += rates[i - 1];
            int edge = (int)Math.Round(groups * sum / total);
            bounds[i] = Math.Clamp(edge, bounds[i - 1] + 1, groups - (parts - i));
        }
    }

    // The weight of the newest step in a part's rate: about the last four steps count.
    private const double RateSmoothing = 0.25;

    /// <summary>
    /// Tests set it to make part 0 of every step look this many times slower than it ran, so
    /// that the split moves within a sequence (1: the times as measured).
    /// </summary>
    internal static int PartZeroTickFactor { get; set; } = 1;

    // Input chunks a part of a projecting sequence's stage (see SequenceTasks), where the step's
    // rows of x are packed once: 16 measured about the same (x0.996, x1.050), 4 x0.999.
    private const int InputChunksPerPart = 8;

    // Part `part` of `parts` of the hidden units, split on panel edges.
    private static (int U0, int U1) UnitRange(CpuSimd simd, int hidden, int part, int parts)
    {
        int width = PackedGemm.PanelWidth(simd);
        int groups = hidden / width;
        return (groups * part / parts * width, groups * (part + 1) / parts * width);
    }

    // Units [u0, u1) of one step: their columns of the recurrent GEMM in every gate block, then
    // the gate kernel for them. The tensors and sizes come from s, the offsets (one step's)
    // from the arguments.
    // With s.Input (see LstmSequenceForwardProjecting), t is the step: its inputs and output rows.
    // This and the other code run at every step (the sequence and step tasks, the column GEMM's
    // driver, the gate kernels' row loops) is compiled optimized at its first call. Left to tiered
    // compilation, it ran through instrumented and re-compiled versions for the first seconds of a
    // process: a batch-1, 200-step LSTM measured 4.9-9.2 ms a run there against 2.7-4.1 ms with
    // the attribute (bench child processes, 1 s warm-up, Zen 3, four alternations).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StepUnits(StepTasks s, in GemmArgs args, int u0, int u1, float[]? packedA,
        int aOffset, int bOffset, int cOffset, int dOffset, int eOffset, int maskOffset, int t)
    {
        int h = s.Hidden;
        Span<int> starts = stackalloc int[] { u0, h + u0, 2 * h + u0, 3 * h + u0 };
        if (s.Input is not null)
        {
            // bias + x_t W_ih^T is in the scratch already (SequenceTasks.RunInput).
            PackedGemm.RunColumns(s.Simd, args, s.Packed!, starts[..s.Gates], u1 - u0, packedA);
            var output = s.Y is { } y ? new OutputRows(y, t * h, y.Dim(1) * h) : default;
            LstmGatesFromScratch(s.Simd, u0, u1, s.Batch, h, args.C, args.COff, s.A, aOffset, s.B!, bOffset,
                s.C!, cOffset, s.D!, dOffset, s.E!, eOffset, s.Mask, maskOffset, output, args.Ldc);
            return;
        }

        PackedGemm.RunColumns(s.Simd, args, s.Packed!, starts[..s.Gates], u1 - u0, packedA);
        if (s.Gates == 4)
        {
            LstmGatesForwardUnits(s.Simd, u0, u1, s.Batch, h, s.A!, aOffset, s.B!, bOffset, s.C!, cOffset,
                s.D!, dOffset, s.E!, eOffset, s.Mask, maskOffset);
        }
        else
        {
            GruGatesForwardUnits(s.Simd, u0, u1, true, s.Batch, h, s.A!, aOffset, s.B!, bOffset, s.C!, cOffset,
                s.E!, eOffset, s.Mask, maskOffset);
        }
    }

    // A sequence as one parallel region. Each task is a participant that walks every step: it
    // claims parts of the step's hidden units (its home part first), runs them with StepUnits
    // (packing the step's rows of h_{t-1} itself), and waits until every part of the step is
    // done before the next, since step t + 1 reads all of h_t. A participant that never starts
    // costs nothing but its share: the others claim its parts, and one that starts late joins
    // at the current step. A batch-1 step takes ~10 us, so a fork/join a step (~3-5 us of
    // publishing, claiming and waking on the 2-core machine) was a third of it; here a step
    // costs two cache-line hand-overs. With more rows the gain is the home parts: each core
    // multiplies the same half of W_hh at every step, which stays in its cache. The parts' sizes
    // follow their measured speeds from step to step (RebalanceSplit).
    //
    // A sequence that projects its own inputs runs in stages: stage s holds the parts of step
    // s - 1 (h_{s-2} W_hh^T and the gates, onto the scratch slot of step s - 1) and the input
    // tasks of step s (bias + x_s W_ih^T into the other slot, in column chunks, and the packing of
    // x_{s+1}), which need no h. A participant claims its parts first, then input tasks until none
    // is left, then waits for the stage's end: the faster core takes more of the input chunks,
    // so neither waits out the other's part as long as chunks are left.
    private sealed class SequenceTasks : IForkJoinBody
    {
        /// <summary>
        /// The most parts a step splits into: one bit each in the low half of the claims word.
        /// (The step sat 8 bits up until 2026-12-06: with 9 or more threads, part 8's bit was the
        /// step's lowest, and a 9-thread LSTM of 512 units hung.)
        /// </summary>
        public const int MaxParts = 32;

        [ThreadStatic]
        private static SequenceTasks? cached;

        private StepTasks step = null!;
        private int time, parts, aStride, bStride;
        private bool twoSlots;
        private Exception? failure;
        private int width;   // units a panel group, the split's grain

        // Projecting sequences: stage s runs the parts of step s - lag (lag 1; else 0, a stage a
        // step), chunksPerPart input chunks of each part's units for step s and, where packX, the
        // packing of x_{s+1}.
        private int lag, chunksPerPart, lastStage;
        private bool packX;

        // The split of the units between the parts, in panel groups: part i has [bounds[i],
        // bounds[i + 1]). The participant that finishes a stage last moves it (RebalanceSplit)
        // before it opens the next, so every part of a step reads the same bounds.
        private readonly int[] bounds = new int[MaxParts + 1];
        private readonly long[] partTicks = new long[MaxParts];   // the time of each part of the step
        private readonly double[] rates = new double[MaxParts];   // groups a tick of each part, smoothed
        private Padded claims;   // (stage << 32) | bits of the parts claimed in that stage
        private Padded packClaims;   // (stage << 32) | 1 once the packing of that stage is claimed

        // Part i's input chunks claimed: (stage << 32) | count.
        private readonly Padded[] chunkClaims = new Padded[MaxParts];
        private Padded finished; // parts and input tasks finished over the whole sequence

        public static SequenceTasks Take()
        {
            var t = cached ?? new SequenceTasks();
            cached = null;
            return t;
        }

        public void Return()
        {
            step = null!;
            failure = null;
            cached = this;
        }

        public void Start(StepTasks s, int steps, int partCount, int a, int b, bool twoStateSlots)
        {
            (step, time, parts, aStride, bStride, twoSlots) = (s, steps, partCount, a, b, twoStateSlots);
            failure = null;
            width = PackedGemm.PanelWidth(s.Simd);
            int groups = s.Hidden / width;
            for (int i = 0; i <= parts; i++)
            {
                bounds[i] = groups * i / parts;
            }

            lag = s.Input is not null ? 1 : 0;
            packX = lag == 1 && s.PackedX0 is not null;
            chunksPerPart = lag == 0 ? 0 : packX ? InputChunksPerPart : 1;
            lastStage = time - 1 + lag;
            Array.Clear(rates);
            claims.Value = 0;
            packClaims.Value = 0;
            Array.Clear(chunkClaims);
            finished.Value = 0;
        }

        public void ThrowIfFailed()
        {
            if (failure is { } e)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int task)
        {
            int home = task % parts;
            for (int s = (int)(Volatile.Read(ref claims.Value) >> 32); s <= lastStage; s++)
            {
                if (s >= lag)
                {
                    for (int i = 0; i < parts; i++)
                    {
                        int part = (home + i) % parts;
                        if (TryClaim(s, part))
                        {
                            RunPart(s, part);
                        }
                    }
                }

                if (lag == 1)
                {
                    RunInputs(s, home);
                }

                // Stage s is over when its last task has opened stage s + 1.
                var spin = new SpinWait();
                while (Volatile.Read(ref claims.Value) >> 32 <= s)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }
            }
        }

        // Claims part `part` of stage s: false when another participant has it or the stage is
        // over. A participant reaches stage s only once it is open, so claims are never behind.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool TryClaim(int s, int part)
        {
            long bit = 1L << part;
            while (true)
            {
                long c = Volatile.Read(ref claims.Value);
                if (c >> 32 != s || (c & bit) != 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref claims.Value, c | bit, c) == c)
                {
                    return true;
                }
            }
        }

        // The input tasks of stage s: the packing of x_{s+1} (where packX), then chunks of step s,
        // those of the home part first (its core multiplies those columns again in the next stage,
        // where they are still in its cache), then the other parts'.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunInputs(int s, int home)
        {
            if (packX && s + 1 < time && TryClaimOnce(ref packClaims.Value, s))
            {
                RunInput(s, -1, 0);
            }

            if (s >= time)
            {
                return;
            }

            for (int i = 0; i < parts; i++)
            {
                int part = (home + i) % parts;
                for (int k = TryClaimChunk(s, part); k >= 0; k = TryClaimChunk(s, part))
                {
                    RunInput(s, part, k);
                }
            }
        }

        private static bool TryClaimOnce(ref long word, int s)
        {
            long c = Volatile.Read(ref word);
            return c >> 32 == s && (c & 1) == 0
                && Interlocked.CompareExchange(ref word, c | 1, c) == c;
        }

        // Claims the next input chunk of part `part` in stage s, or -1 when none is left.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int TryClaimChunk(int s, int part)
        {
            ref long word = ref chunkClaims[part].Value;
            while (true)
            {
                long c = Volatile.Read(ref word);
                int next = (int)(c & 0xFFFFFFFF);
                if (c >> 32 != s || next >= chunksPerPart)
                {
                    return -1;
                }

                if (Interlocked.CompareExchange(ref word, c + 1, c) == c)
                {
                    return next;
                }
            }
        }

        // The tasks of stages 0 to s: the parts of stages lag on, and the input tasks.
        private long TasksThrough(int s)
        {
            long n = (long)parts * Math.Max(0, s - lag + 1);
            if (lag == 1)
            {
                n += (long)parts * chunksPerPart * (Math.Min(s, time - 1) + 1);
                n += packX ? Math.Max(0, Math.Min(s, time - 2) + 1) : 0;
            }

            return n;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunPart(int stage, int part)
        {
            int t = stage - lag;
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                if (failure is null)
                {
                    var s = step;
                    int h = s.Hidden;
                    int u0 = bounds[part] * width, u1 = bounds[part + 1] * width;
                    // Step t: h_{t-1} rows and state slots move by a batch of rows, the GEMM's C by a
                    // batch of gate rows. Rows of h_{t-1} are packed by each participant itself.
                    // A step that projects its inputs adds to its scratch slot, not rows t of C.
                    // With two slots, step t reads slot t % 2 and writes the other: D and E, set one
                    // slot on from the states read, go back one instead on odd steps.
                    int state = twoSlots ? t % 2 * s.Batch * h : t * s.Batch * h;
                    int written = twoSlots ? -state : state;
                    int b = twoSlots ? state : t * bStride;
                    int cStep = s.Input is null ? t * s.Batch * s.Args.N : t % 2 * s.PreSlot;
                    var args = s.Args with { AOff = s.Args.AOff + state, COff = s.Args.COff + cStep };
                    StepUnits(s, args, u0, u1, null, s.AOffset + t * aStride, s.BOffset + b,
                        s.COffset + state, s.DOffset + written, s.EOffset + written, s.MaskOffset + t * s.Batch, t);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
            finally
            {
                long ticks = System.Diagnostics.Stopwatch.GetTimestamp() - start;
                partTicks[part] = part == 0 ? ticks * PartZeroTickFactor : ticks;
                Finish(stage);
            }
        }

        // An input task of stage s: packs x_{s+1} (part -1), or computes bias + x_s W_ih^T into
        // step s's scratch slot for chunk k of the part's units (in every gate).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunInput(int s, int part, int k)
        {
            try
            {
                if (failure is null)
                {
                    var st = step;
                    var x = st.InputArgs;
                    if (part < 0)
                    {
                        st.PackInputs(s + 1);
                    }
                    else
                    {
                        int g0 = bounds[part], g1 = bounds[part + 1];
                        int u0 = (g0 + (g1 - g0) * k / chunksPerPart) * width;
                        int u1 = (g0 + (g1 - g0) * (k + 1) / chunksPerPart) * width;
                        if (u1 > u0)
                        {
                            int h = st.Hidden;
                            Span<int> starts = stackalloc int[] { u0, h + u0, 2 * h + u0, 3 * h + u0 };
                            var chunk = x with
                            {
                                AOff = x.AOff + s * st.Batch * x.K, COff = x.COff + s % 2 * st.PreSlot,
                            };
                            PackedGemm.RunColumns(st.Simd, chunk, st.Input!, starts[..st.Gates], u1 - u0,
                                st.PackedX(s));
                        }
                    }
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
            finally
            {
                Finish(s);
            }
        }

        // The task that finishes stage s last (by the count) opens stage s + 1, which is also what
        // tells the waiting participants that stage s is done.
        private void Finish(int s)
        {
            if (Interlocked.Increment(ref finished.Value) == TasksThrough(s))
            {
                if (s >= lag)
                {
                    RebalanceSplit(bounds.AsSpan(0, parts + 1), partTicks.AsSpan(0, parts), rates.AsSpan(0, parts));
                }

                Volatile.Write(ref packClaims.Value, (long)(s + 1) << 32);
                for (int i = 0; i < parts; i++)
                {
                    Volatile.Write(ref chunkClaims[i].Value, (long)(s + 1) << 32);
                }

                Volatile.Write(ref claims.Value, (long)(s + 1) << 32);
            }
        }

        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 128)]
        private struct Padded
        {
            [System.Runtime.InteropServices.FieldOffset(64)]
            public long Value;
        }
    }
}
