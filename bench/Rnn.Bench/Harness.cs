using System.Diagnostics;
using System.Globalization;
using Rnn.Bench.Cases;

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
/// The timing loop. Contenders take turns in phases: a phase is one contender alone, after its
/// own untimed warm-up runs (at least <see cref="WarmMs"/>), timing its share of the repeats
/// back to back. Every repeat is a block of runs lasting at least <see cref="BlockMs"/>, and
/// its mean per run is one sample; a contender's figure is the median of its samples. The
/// phases go A B C, then C B A, so a slow drift of the machine falls on all contenders alike.
/// Each phase runs in a child process of its own (this program, started with --child), so no
/// library's idle worker threads share the cores with another's phase: in one process, the
/// OpenMP threads libtorch had left spinning took half of our second core, and our sgemm-1024
/// measured 17.6 ms there against 11-13 ms alone, while libtorch stayed at 11.3 ms.
/// (--in-process keeps the phases in this process, for a quick look.) Garbage is not
/// collected between runs: a steady-state loop pays for its own collections, so ours are
/// inside our times.
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

    private const string ChildTag = "CHILD-SAMPLES";

    public static Timing Measure(BenchContext ctx, string caseName, IReadOnlyList<Contender> contenders)
    {
        if (ctx.Child is { } child)
        {
            // A child times its one contender and reports; the case has nothing else to do here.
            var mine = contenders.Single(c => c.Name == child);
            var (ms, cpuMs) = Phase(mine, ctx.Warmups, ctx.ChildRepeats);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{ChildTag} {child} {string.Join(',', ms)} {string.Join(',', cpuMs)}"));
            Console.Out.Flush();
            Environment.Exit(0);
        }

        int n = contenders.Count;
        var samples = contenders.Select(_ => new List<double>()).ToArray();
        var cpu = contenders.Select(_ => new List<double>()).ToArray();
        int firstHalf = (ctx.Repeats + 1) / 2;
        for (int pass = 0; pass < 2; pass++)
        {
            int share = pass == 0 ? firstHalf : ctx.Repeats - firstHalf;
            for (int k = 0; k < n && share > 0; k++)
            {
                int who = pass == 0 ? k : n - 1 - k;
                var (ms, cpuMs) = ctx.Isolate
                    ? ChildPhase(ctx, caseName, contenders[who].Name, share)
                    : Phase(contenders[who], ctx.Warmups, share);
                samples[who].AddRange(ms);
                cpu[who].AddRange(cpuMs);
            }
        }

        return new Timing(contenders.Select(c => c.Name).ToArray(), samples.Select(Median).ToArray(),
            cpu.Select(Median).ToArray(), ctx.Repeats);
    }

    // One contender alone: warm-up, then `repeats` timed blocks; per-run wall and CPU ms of each.
    private static (List<double> Ms, List<double> CpuMs) Phase(Contender c, int warmups, int repeats)
    {
        Settle();
        double fastest = double.MaxValue;
        long warmStart = Stopwatch.GetTimestamp();
        for (int w = 0; w < Math.Max(1, warmups) || Stopwatch.GetElapsedTime(warmStart).TotalMilliseconds < WarmMs; w++)
        {
            long t0 = Stopwatch.GetTimestamp();
            c.Run();
            fastest = Math.Min(fastest, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }

        int block = (int)Math.Clamp(Math.Ceiling(BlockMs / Math.Max(fastest, 1e-3)), 1, 1000);
        var ms = new List<double>();
        var cpuMs = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            var cpuStart = Environment.CpuUsage.TotalTime;
            long start = Stopwatch.GetTimestamp();
            for (int b = 0; b < block; b++)
            {
                c.Run();
            }

            ms.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds / block);
            cpuMs.Add((Environment.CpuUsage.TotalTime - cpuStart).TotalMilliseconds / block);
        }

        return (ms, cpuMs);
    }

    // The same phase in a child process: this program with --child, which builds the case with
    // only that contender's library loaded and prints its samples on one line.
    private static (List<double> Ms, List<double> CpuMs) ChildPhase(BenchContext ctx, string caseName, string who,
        int repeats)
    {
        var start = SelfProcess.Start(new[] { "--case", caseName, "--child", who, "--child-repeats",
            repeats.ToString(CultureInfo.InvariantCulture) });
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;

        if (ctx.Quick)
        {
            start.ArgumentList.Add("--quick");
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start a child");
        var errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(ChildTag + " ", StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException(
                $"the child for {who} in {caseName} failed (exit {process.ExitCode}): " +
                $"{errors.Result.Trim()} {output.Trim()}");
        }

        var parts = line.Trim().Split(' ');
        static List<double> Parse(string list) =>
            list.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList();
        return (Parse(parts[2]), Parse(parts[3]));
    }

    /// <summary>Managed bytes allocated by all threads during one run (after the warm-ups).</summary>
    public static long AllocatedBytes(Action run)
    {
        // Warm first: with phases in child processes, this process has not run the contender
        // yet, and its first runs fill the array pool.
        run();
        run();
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
