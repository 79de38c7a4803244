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
    /// True when a step over this packed W_hh^T can be fused: packed for this backend, more rows
    /// than the few-row GEMM takes, one block per gate, and units that split on panel edges.
    /// </summary>
    internal bool CanFuseStep(PackedB uT, int batch, int hidden, int gateCount) =>
        uT.Simd == Simd && uT.TransB && batch > SmallGemm.MaxRows && uT.N == gateCount * hidden &&
        uT.K == hidden && hidden % PackedGemm.PanelWidth(Simd) == 0;

    /// <summary>gates += h_{t-1} W_hh^T, then <see cref="LstmGatesForward"/>, fused per unit range.</summary>
    internal void LstmStepForward(
        int batch, int hidden, PackedB uT, Tensor rec, int recOffset,
        Tensor gates, int gatesOffset,
        Tensor cPrev, int cPrevOffset, Tensor hPrev, int hPrevOffset,
        Tensor c, int cOffset, Tensor h, int hOffset,
        Tensor? mask, int maskOffset)
    {
        var g = StepArgs(batch, hidden, 4, uT, rec, recOffset, gates, gatesOffset);
        ForUnitRanges(batch, hidden, 4, (u0, u1) =>
        {
            Span<int> starts = stackalloc int[] { u0, hidden + u0, 2 * hidden + u0, 3 * hidden + u0 };
            PackedGemm.RunColumns(Simd, g, uT, starts, u1 - u0);

            LstmGatesForwardUnits(u0, u1, batch, hidden, gates, gatesOffset, cPrev, cPrevOffset,
                hPrev, hPrevOffset, c, cOffset, h, hOffset, mask, maskOffset);
        });
    }

    /// <summary>gh += h_{t-1} W_hh^T, then reset-after <see cref="GruGatesForward"/>, fused per unit range.</summary>
    internal void GruStepForward(
        int batch, int hidden, PackedB uT, Tensor rec, int recOffset,
        Tensor gi, int giOffset, Tensor gh, int ghOffset,
        Tensor hPrev, int hPrevOffset, Tensor h, int hOffset,
        Tensor? mask, int maskOffset)
    {
        var g = StepArgs(batch, hidden, 3, uT, rec, recOffset, gh, ghOffset);
        ForUnitRanges(batch, hidden, 3, (u0, u1) =>
        {
            Span<int> starts = stackalloc int[] { u0, hidden + u0, 2 * hidden + u0 };
            PackedGemm.RunColumns(Simd, g, uT, starts, u1 - u0);

            GruGatesForwardUnits(u0, u1, true, batch, hidden, gi, giOffset, gh, ghOffset,
                hPrev, hPrevOffset, h, hOffset, mask, maskOffset);
        });
    }

    // C [batch, gates*hidden] += rec [batch, hidden] W_hh^T, checked like Gemm.
    private GemmArgs StepArgs(int batch, int hidden, int gateCount, PackedB uT, Tensor rec, int recOffset,
        Tensor c, int cOffset)
    {
        if (!CanFuseStep(uT, batch, hidden, gateCount))
        {
            throw new ArgumentException(
                $"a fused step needs W_hh^T packed for {Simd} as [{hidden}, {gateCount}*{hidden}] and a batch over " +
                $"{SmallGemm.MaxRows}; got [{uT.K}, {uT.N}] for {uT.Simd}, batch {batch}");
        }

        int n = gateCount * hidden;
        var src = uT.Source;
        BackendChecks.Gemm(false, true, batch, n, hidden, rec, recOffset, hidden, src, uT.SourceOffset, uT.Ldb,
            c, cOffset, n);
        return new GemmArgs(false, true, batch, n, hidden, 1f, Raw(rec), rec.Offset + recOffset, hidden,
            Raw(src), src.Offset + uT.SourceOffset, uT.Ldb, 1f, Raw(c), c.Offset + cOffset, n);
    }

    // Splits the hidden units into panel-aligned ranges, about two a thread, and runs them.
    private void ForUnitRanges(int batch, int hidden, int gateCount, Action<int, int> task)
    {
        int width = PackedGemm.PanelWidth(Simd);
        int groups = hidden / width;
        bool serial = Threads == 1 || (long)batch * gateCount * hidden * hidden < 48L * 48 * 48;
        int tasks = serial ? 1 : Math.Min(groups, 2 * Threads);
        if (tasks == 1)
        {
            task(0, hidden);
            return;
        }

        System.Threading.Tasks.Parallel.For(0, tasks, Parallel, t =>
            task(groups * t / tasks * width, groups * (t + 1) / tasks * width));
    }
}
