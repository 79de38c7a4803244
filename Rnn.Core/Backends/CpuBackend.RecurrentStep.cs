using System.Buffers;
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

    /// <summary>gh += h_{t-1} W_hh^T, then reset-after <see cref="GruGatesForward"/>, fused per unit range.</summary>
    internal void GruStepForward(
        int batch, int hidden, PackedB uT, Tensor rec, int recOffset,
        Tensor gi, int giOffset, Tensor gh, int ghOffset,
        Tensor hPrev, int hPrevOffset, Tensor h, int hOffset,
        Tensor? mask, int maskOffset)
    {
        var step = StepTasks.Take();
        step.Args = StepArgs(batch, hidden, 3, uT, rec, recOffset, gh, ghOffset);
        (step.Simd, step.Packed, step.Batch, step.Hidden, step.Gates) = (Simd, uT, batch, hidden, 3);
        (step.A, step.AOffset, step.B, step.BOffset) = (gi, giOffset, gh, ghOffset);
        (step.C, step.COffset, step.D, step.DOffset) = (hPrev, hPrevOffset, h, hOffset);
        (step.E, step.EOffset, step.Mask, step.MaskOffset) = (h, hOffset, mask, maskOffset);
        RunStep(step);
    }

    // C [batch, gates*hidden] += rec [batch, hidden] W_hh^T, checked like Gemm.
    private GemmArgs StepArgs(int batch, int hidden, int gateCount, PackedB uT, Tensor rec, int recOffset,
        Tensor c, int cOffset)
    {
        if (!CanFuseStep(uT, batch, hidden, gateCount))
        {
            throw new ArgumentException(
                $"a fused step needs W_hh^T packed for {Simd} as [{hidden}, {gateCount}*{hidden}] and a batch " +
                $"of 1 or over {SmallGemm.MaxRows}; got [{uT.K}, {uT.N}] for {uT.Simd}, batch {batch}");
        }

        int n = gateCount * hidden;
        var src = uT.Source;
        BackendChecks.Gemm(false, true, batch, n, hidden, rec, recOffset, hidden, src, uT.SourceOffset, uT.Ldb,
            c, cOffset, n);
        return new GemmArgs(false, true, batch, n, hidden, 1f, Raw(rec), rec.Offset + recOffset, hidden,
            Raw(src), src.Offset + uT.SourceOffset, uT.Ldb, 1f, Raw(c), c.Offset + cOffset, n);
    }

    // Splits the hidden units into panel-aligned ranges, about two a thread, and runs them.
    private void RunStep(StepTasks step)
    {
        int groups = step.Hidden / PackedGemm.PanelWidth(Simd);
        long work = (long)step.Batch * step.Gates * step.Hidden * step.Hidden;
        step.Tasks = Threads == 1 || work < 48L * 48 * 48 ? 1 : Math.Min(groups, 2 * Threads);
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

        public void Return()
        {
            (Args, Packed, A, B, C, D, E, Mask) = (default, null, null, null, null, null, null, null);
            cached = this;
        }

        public void Run(int task)
        {
            if (Packing)
            {
                PackedGemm.PackSharedA(Simd, Args, PackedA!, task);
                return;
            }

            int width = PackedGemm.PanelWidth(Simd);
            int groups = Hidden / width;
            int u0 = groups * task / Tasks * width;
            int u1 = groups * (task + 1) / Tasks * width;
            int h = Hidden;
            Span<int> starts = stackalloc int[] { u0, h + u0, 2 * h + u0, 3 * h + u0 };
            PackedGemm.RunColumns(Simd, Args, Packed!, starts[..Gates], u1 - u0, PackedA);
            if (Gates == 4)
            {
                LstmGatesForwardUnits(Simd, u0, u1, Batch, h, A!, AOffset, B!, BOffset, C!, COffset,
                    D!, DOffset, E!, EOffset, Mask, MaskOffset);
            }
            else
            {
                GruGatesForwardUnits(Simd, u0, u1, true, Batch, h, A!, AOffset, B!, BOffset, C!, COffset,
                    E!, EOffset, Mask, MaskOffset);
            }
        }
    }
}
