using System.Diagnostics;
using System.Globalization;
using Rnn.Core;
using TorchSharp;

namespace Rnn.Bench.Cases;

/// <summary>
/// An sgemm case with ours and libtorch in one process, taking turns in blocks of at least 100 ms
/// (the first of each pair alternating), so that both meet the same host: on this VM the speed
/// of the same code moves by 20-50% within seconds, which the main bench's phase medians cannot
/// tell from the code. The figure is the median over pairs of libtorch's time over ours, with its
/// quartiles. libtorch's OpenMP threads must sleep between products here (OMP_WAIT_POLICY=PASSIVE,
/// set before it loads; Program re-runs itself with it), or their spinning takes our second core;
/// each of its products then pays their wake-up, a few tens of microseconds, which is under 0.5%
/// of sgemm-1024 and a few percent of sgemm-rnn.
/// </summary>
internal static class PairedSgemm
{
    public static string Run(BenchContext ctx, string name, int m, int n, int k)
    {
        int pairs = ctx.Quick ? 20 : 60;
        double flops = 2.0 * m * n * k;
        var be = ctx.Backend;
        var a = be.FromArray(BenchContext.Random(m * k, 1), new[] { m, k });
        var b = be.FromArray(BenchContext.Random(k * n, 2), new[] { k, n });
        var c = be.Allocate(new[] { m, n });
        using var ta = torch.tensor(a.ToArray(), new long[] { m, k });
        using var tb = torch.tensor(b.ToArray(), new long[] { k, n });
        void Ours() => be.Gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        void Torch()
        {
            using var tc = torch.mm(ta, tb);
        }

        // Mean milliseconds a product over one block of at least 100 ms.
        static double Block(Action run)
        {
            long start = Stopwatch.GetTimestamp();
            int calls = 0;
            do
            {
                run();
                calls++;
            }
            while (Stopwatch.GetElapsedTime(start).TotalMilliseconds < 100);

            return Stopwatch.GetElapsedTime(start).TotalMilliseconds / calls;
        }

        for (int i = 0; i < 10; i++)
        {
            Block(Ours);
            Block(Torch);
        }

        var ratios = new List<double>();
        var ours = new List<double>();
        var theirs = new List<double>();
        for (int i = 0; i < pairs; i++)
        {
            double o, t;
            if (i % 2 == 0)
            {
                o = Block(Ours);
                t = Block(Torch);
            }
            else
            {
                t = Block(Torch);
                o = Block(Ours);
            }

            ours.Add(o);
            theirs.Add(t);
            ratios.Add(t / o);
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"PAIRED {name} pairs={pairs} ratio={Quantile(ratios, 0.5):0.000} q1={Quantile(ratios, 0.25):0.000} " +
            $"q3={Quantile(ratios, 0.75):0.000} ours_gflops={flops / (Quantile(ours, 0.5) * 1e6):0.0} " +
            $"torch_gflops={flops / (Quantile(theirs, 0.5) * 1e6):0.0}");
    }

    private static double Quantile(List<double> values, double q)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[(int)Math.Round(q * (sorted.Count - 1))];
    }
}
