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
/// The timing loop. Contenders take turns in phases: a phase is one contender alone, after a
/// short pause and its own untimed warm-up runs (at least <see cref="WarmMs"/>), timing its share of the repeats back to back.
/// Every repeat is a block of runs lasting at least <see cref="BlockMs"/>, and its mean per run
/// is one sample; a contender's figure is the median of its samples. The phases go A B C, then
/// C B A, so a slow drift of the machine falls on all contenders alike.
/// Why phases and not runs interleaved one by one: each library leaves worker threads spinning
/// for a while after its parallel regions (libtorch's OpenMP threads for milliseconds), and a
/// contender started inside that window shared its cores with them; on the 2-core machine the
/// interleaved loop measured our sgemm-1024 anywhere from 11 to 24 ms and libtorch's from 12
/// to 41 ms, each depending on who ran just before. Garbage is not collected between runs: a
/// steady-state loop pays for its own collections, so ours are inside our times.
/// </summary>
internal static class Harness
{
    private const int GapMs = 15;

    /// <summary>
    /// The shortest warm-up of a phase, in milliseconds. .NET compiles a method first without
    /// optimization and recompiles it optimized only after some 30 calls and a 100 ms quiet
    /// period, so a handful of warm-up runs left our per-step code unoptimized: the batch-1
    /// LSTM measured 7 ms a run here, against 3.8 ms once warm.
    /// </summary>
    private const double WarmMs = 1000;

    /// <summary>The shortest timed block of one repeat, in milliseconds.</summary>
    private const double BlockMs = 60;

    public static Timing Measure(IReadOnlyList<Contender> contenders, int warmups, int repeats)
    {
        int n = contenders.Count;
        var block = new int[n];
        var samples = contenders.Select(_ => new List<double>()).ToArray();
        var cpu = contenders.Select(_ => new List<double>()).ToArray();
        int firstHalf = (repeats + 1) / 2;
        for (int pass = 0; pass < 2; pass++)
        {
            int share = pass == 0 ? firstHalf : repeats - firstHalf;
            for (int k = 0; k < n && share > 0; k++)
            {
                int who = pass == 0 ? k : n - 1 - k;
                var c = contenders[who];
                Settle();
                double fastest = double.MaxValue;
                long warmStart = Stopwatch.GetTimestamp();
                for (int w = 0; w < Math.Max(1, warmups) || Stopwatch.GetElapsedTime(warmStart).TotalMilliseconds < WarmMs; w++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    c.Run();
                    fastest = Math.Min(fastest, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                }

                if (block[who] == 0)
                {
                    block[who] = (int)Math.Clamp(Math.Ceiling(BlockMs / Math.Max(fastest, 1e-3)), 1, 1000);
                }

                for (int r = 0; r < share; r++)
                {
                    var cpuStart = Environment.CpuUsage.TotalTime;
                    long start = Stopwatch.GetTimestamp();
                    for (int b = 0; b < block[who]; b++)
                    {
                        c.Run();
                    }

                    samples[who].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds / block[who]);
                    cpu[who].Add((Environment.CpuUsage.TotalTime - cpuStart).TotalMilliseconds / block[who]);
                }
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
