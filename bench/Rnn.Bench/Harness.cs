using System.Diagnostics;

namespace Rnn.Bench;

/// <summary>One contender of a case: a name and one run of the measured work.</summary>
internal sealed record Contender(string Name, Action Run);

/// <summary>
/// Median milliseconds per run of each contender, in the order given: wall-clock, and the CPU
/// time the whole process used meanwhile (all threads), which shows what a kernel does with
/// the cores it gets when other processes take the rest.
/// </summary>
internal sealed record Timing(IReadOnlyList<string> Names, IReadOnlyList<double> MedianMs,
    IReadOnlyList<double> MedianCpuMs, int Repeats);

/// <summary>
/// The timing loop: every contender warms up first, then the repeats interleave them
/// (A B C, B C A, C A B, ...) so a burst of load from other processes falls on all of them
/// alike, and each contender's figure is the median of its repeats. Between runs the loop
/// pauses a moment, outside the timed region, so a peer's spinning worker threads have parked
/// before the next contender starts. Garbage is not collected between runs: a steady-state
/// loop pays for its own collections, so ours are inside our times.
/// </summary>
internal static class Harness
{
    private const int GapMs = 15;

    public static Timing Measure(IReadOnlyList<Contender> contenders, int warmups, int repeats)
    {
        foreach (var c in contenders)
        {
            for (int w = 0; w < warmups; w++)
            {
                c.Run();
            }
        }

        var samples = contenders.Select(_ => new List<double>()).ToArray();
        var cpu = contenders.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < repeats; r++)
        {
            for (int k = 0; k < contenders.Count; k++)
            {
                int who = (r + k) % contenders.Count;
                Settle();
                var cpuStart = Environment.CpuUsage.TotalTime;
                long start = Stopwatch.GetTimestamp();
                contenders[who].Run();
                samples[who].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                cpu[who].Add((Environment.CpuUsage.TotalTime - cpuStart).TotalMilliseconds);
            }
        }

        return new Timing(contenders.Select(c => c.Name).ToArray(), samples.Select(Median).ToArray(),
            cpu.Select(Median).ToArray(), repeats);
    }

    /// <summary>Managed bytes allocated by all threads during one run (after the warm-ups).</summary>
    public static long AllocatedBytes(Action run)
    {
        Settle();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        run();
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    private static void Settle() => Thread.Sleep(GapMs);

    private static double Median(List<double> xs)
    {
        var s = xs.OrderBy(x => x).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
