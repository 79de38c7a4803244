using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Rnn.Core;

namespace Rnn.Bench;

/// <summary>
/// The FMA throughput this machine really delivers: every thread runs twelve independent chains
/// of vector FMAs on registers only (no memory traffic, so nothing but the FMA pipes and the
/// clock limits it) for a fixed time. Under a hypervisor /proc/cpuinfo gives only the base
/// clock, and the cores boost above it: sgemm-1024 measured 108% of the nominal peak here. The
/// probe's figure is the peak at the clock the cores actually ran (if two threads run faster
/// than two cores can, something else shares them: the threads, not the probe, are to blame).
/// </summary>
internal static class FmaProbe
{
    /// <summary>
    /// GFLOP/s of all threads together: each thread's own rate (its flops over its own running
    /// time, so a thread that starts late does not count as slow), summed; the best of
    /// <paramref name="attempts"/> tries (three: a moment of load from elsewhere does not lower
    /// the peak; one beside a timed block, where that load is what the block met too).
    /// </summary>
    public static double Gflops(int threads, CpuSimd simd, int milliseconds = 300, int attempts = 3)
    {
        double best = 0;
        for (int attempt = 0; attempt < attempts; attempt++)
        {
            var rates = new double[threads];
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                long start = Stopwatch.GetTimestamp();
                double flops = simd == CpuSimd.Avx512 ? Run512(milliseconds) : Run256(milliseconds);
                rates[t] = flops / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9;
            })).ToArray();
            foreach (var w in workers)
            {
                w.Start();
            }

            foreach (var w in workers)
            {
                w.Join();
            }

            best = Math.Max(best, rates.Sum());
        }

        return best;
    }

    // Flops done: 12 chains x lanes x 2 per iteration. The chains live in a method with no call
    // inside its loop; around the clock reads they would sit on the stack (no vector register
    // survives a call), and the probe would time loads and stores instead of FMAs.
    private static double Run256(int milliseconds)
    {
        var acc = new Vector256<float>[12];
        Array.Fill(acc, Vector256<float>.One);
        double flops = Run(milliseconds, n => Chains(acc, n), 12.0 * 8 * 2);
        Sink = acc.Aggregate((x, y) => x + y).GetElement(0);
        return flops;
    }

    private static double Run512(int milliseconds)
    {
        var acc = new Vector512<float>[12];
        Array.Fill(acc, Vector512<float>.One);
        double flops = Run(milliseconds, n => Chains(acc, n), 12.0 * 16 * 2);
        Sink = acc.Aggregate((x, y) => x + y).GetElement(0);
        return flops;
    }

    // Calls chains(10 000) until the time is up; the flops done.
    private static double Run(int milliseconds, Action<int> chains, double flopsPerIteration)
    {
        long iterations = 0;
        long end = Stopwatch.GetTimestamp() + Stopwatch.Frequency * milliseconds / 1000;
        while (Stopwatch.GetTimestamp() < end)
        {
            chains(10_000);
            iterations += 10_000;
        }

        return iterations * flopsPerIteration;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Chains(Vector256<float>[] acc, int n)
    {
        var m = Vector256.Create(0.9999999f);
        var k = Vector256.Create(1e-7f);
        Vector256<float> a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], a4 = acc[4], a5 = acc[5];
        Vector256<float> a6 = acc[6], a7 = acc[7], a8 = acc[8], a9 = acc[9], a10 = acc[10], a11 = acc[11];
        for (int i = 0; i < n; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, k); a1 = Vector256.FusedMultiplyAdd(a1, m, k);
            a2 = Vector256.FusedMultiplyAdd(a2, m, k); a3 = Vector256.FusedMultiplyAdd(a3, m, k);
            a4 = Vector256.FusedMultiplyAdd(a4, m, k); a5 = Vector256.FusedMultiplyAdd(a5, m, k);
            a6 = Vector256.FusedMultiplyAdd(a6, m, k); a7 = Vector256.FusedMultiplyAdd(a7, m, k);
            a8 = Vector256.FusedMultiplyAdd(a8, m, k); a9 = Vector256.FusedMultiplyAdd(a9, m, k);
            a10 = Vector256.FusedMultiplyAdd(a10, m, k); a11 = Vector256.FusedMultiplyAdd(a11, m, k);
        }

        (acc[0], acc[1], acc[2], acc[3], acc[4], acc[5]) = (a0, a1, a2, a3, a4, a5);
        (acc[6], acc[7], acc[8], acc[9], acc[10], acc[11]) = (a6, a7, a8, a9, a10, a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Chains(Vector512<float>[] acc, int n)
    {
        var m = Vector512.Create(0.9999999f);
        var k = Vector512.Create(1e-7f);
        Vector512<float> a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], a4 = acc[4], a5 = acc[5];
        Vector512<float> a6 = acc[6], a7 = acc[7], a8 = acc[8], a9 = acc[9], a10 = acc[10], a11 = acc[11];
        for (int i = 0; i < n; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, k); a1 = Vector512.FusedMultiplyAdd(a1, m, k);
            a2 = Vector512.FusedMultiplyAdd(a2, m, k); a3 = Vector512.FusedMultiplyAdd(a3, m, k);
            a4 = Vector512.FusedMultiplyAdd(a4, m, k); a5 = Vector512.FusedMultiplyAdd(a5, m, k);
            a6 = Vector512.FusedMultiplyAdd(a6, m, k); a7 = Vector512.FusedMultiplyAdd(a7, m, k);
            a8 = Vector512.FusedMultiplyAdd(a8, m, k); a9 = Vector512.FusedMultiplyAdd(a9, m, k);
            a10 = Vector512.FusedMultiplyAdd(a10, m, k); a11 = Vector512.FusedMultiplyAdd(a11, m, k);
        }

        (acc[0], acc[1], acc[2], acc[3], acc[4], acc[5]) = (a0, a1, a2, a3, a4, a5);
        (acc[6], acc[7], acc[8], acc[9], acc[10], acc[11]) = (a6, a7, a8, a9, a10, a11);
    }

    // Keeps the chains' results alive so the JIT cannot drop the loop.
    public static float Sink { get; private set; }
}
