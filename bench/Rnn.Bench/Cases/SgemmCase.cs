using System.Globalization;
using Rnn.Bench.Peers;
using Rnn.Core;
using TorchSharp;

namespace Rnn.Bench.Cases;

/// <summary>
/// C = A B in float32, row-major, no transposes: ours through IBackend.Gemm, TorchSharp through
/// torch.mm. Figures are per product; small products run several times per timed run so one
/// run lasts long enough for the clock. Both contenders' phases also probe the FMA peak beside
/// every timed block (<see cref="Contender.Alongside"/>), so a block's GFLOP/s is set against
/// the peak of the same minutes as well as against the one measured at the start.
/// </summary>
internal static class SgemmCase
{
    public static CaseResult Run(BenchContext ctx, string name, int m, int n, int k)
    {
        double flops = 2.0 * m * n * k;
        int calls = Math.Max(1, (int)Math.Round(2e9 / flops));
        var be = ctx.Backend;
        var a = be.FromArray(BenchContext.Random(m * k, 1), new[] { m, k });   // [m, k]
        var b = be.FromArray(BenchContext.Random(k * n, 2), new[] { k, n });   // [k, n]
        var c = be.Allocate(new[] { m, n });   // [m, n]
        var contenders = new List<Contender>
        {
            new("ours", () =>
            {
                for (int i = 0; i < calls; i++)
                {
                    be.Gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
                }
            }, () => PeakNow(ctx)),
        };

        torch.Tensor? ta = null, tb = null;
        if (ctx.TorchFailure is null)
        {
            ta = torch.tensor(a.ToArray(), new long[] { m, k });
            tb = torch.tensor(b.ToArray(), new long[] { k, n });
            contenders.Add(new(TorchPeer.Name, () =>
            {
                for (int i = 0; i < calls; i++)
                {
                    using var tc = torch.mm(ta, tb);
                }
            }, () => PeakNow(ctx)));
        }

        var timing = Harness.Measure(ctx, name, contenders);
        ta?.Dispose();
        tb?.Dispose();
        double ours = timing.MedianMs[0] / calls;
        double peak = ctx.Machine.PeakGflops(ctx.Threads);
        double measured = ctx.MeasuredPeak, measuredCore = ctx.MeasuredCorePeak;
        string notes = Describe("ours", flops, ours, peak, measured)
            + Beside(timing, 0, flops * calls) + PerCpu(flops, timing.MedianCpuMs[0] / calls, measuredCore);
        var peers = new List<PeerFigure>();
        if (ctx.TorchFailure is null)
        {
            double theirs = timing.MedianMs[1] / calls;
            notes += "; " + Describe("torch", flops, theirs, peak, measured)
                + Beside(timing, 1, flops * calls) + PerCpu(flops, timing.MedianCpuMs[1] / calls, measuredCore);
            peers.Add(new PeerFigure(TorchPeer.Name, theirs));
        }
        else
        {
            peers.Add(new PeerFigure(TorchPeer.Name, null, ctx.TorchFailure));
        }

        return new CaseResult(name, ours, peers, notes);
    }

    // The FMA peak of this moment, for a block's neighbours: the contender's own worker threads
    // (libtorch's OpenMP threads spin for a while after a product) are given 20 ms to go idle
    // first, so the probe does not share the cores with them.
    private static double PeakNow(BenchContext ctx)
    {
        Thread.Sleep(20);
        return FmaProbe.Gflops(ctx.Threads, ctx.Backend.Simd, milliseconds: 100, attempts: 1);
    }

    // The median over timed blocks of the block's GFLOP/s against the peak probed beside it.
    private static string Beside(Timing timing, int who, double flopsPerRun)
    {
        if (timing.AlongsidePeaks[who].Count == 0)
        {
            return "";
        }

        double pct = timing.MedianAlongside(who, (ms, peak) => 100 * flopsPerRun / (ms * 1e6) / peak);
        double probe = Harness.Median(timing.AlongsidePeaks[who].ToList());
        return string.Create(CultureInfo.InvariantCulture,
            $", {pct:0.0}% of the peak probed beside each block (median over blocks; the probes' median {probe:0.0})");
    }

    // GFLOP per CPU-second against one core's measured peak: the kernel's efficiency while it
    // runs, whatever share of the cores the other processes on the machine leave it.
    private static string PerCpu(double flops, double cpuMs, double corePeak)
    {
        double gflops = flops / (cpuMs * 1e6);
        return string.Create(CultureInfo.InvariantCulture,
            $", {gflops:0.0} GFLOP per CPU-second = {100 * gflops / corePeak:0.0}% of one core's measured peak");
    }

    // Wall-clock GFLOP/s against the nominal peak (base clock) and the measured one (FmaProbe).
    private static string Describe(string who, double flops, double ms, double peak, double measured)
    {
        double gflops = flops / (ms * 1e6);
        return string.Create(CultureInfo.InvariantCulture,
            $"{who} {gflops:0.0} GFLOP/s = {100 * gflops / measured:0.0}% of the measured FMA peak " +
            $"({100 * gflops / peak:0.0}% of the nominal one)");
    }
}
