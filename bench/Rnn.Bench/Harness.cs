using System.Diagnostics;
using System.Globalization;
using Rnn.Bench.Cases;

namespace Rnn.Bench;

/// <summary>
/// One contender of a case: a name and one run of the measured work. With
/// <paramref name="Alongside"/>, the phase also measures the machine's FMA peak (GFLOP/s) before
/// its first timed block and after every block, on the same threads' cores in the same process,
/// so each block can be set against the peak of its own minutes (see
/// <see cref="Timing.AlongsidePeaks"/>).
/// </summary>
internal sealed record Contender(string Name, Action Run, Func<double>? Alongside = null);

/// <summary>
/// Median milliseconds per run of each contender, in the order given: wall-clock, and the CPU
/// time the whole process used meanwhile (all threads), which shows what a kernel does with
/// the cores it gets when other processes take the rest.
/// </summary>
/// Samples holds each contender's per-run milliseconds of every block, in the order timed;
/// AlongsidePeaks, for a contender with an Alongside probe, the peak beside each block (the mean
/// of the probes just before and just after it), else an empty list.
internal sealed record Timing(IReadOnlyList<string> Names, IReadOnlyList<double> MedianMs,
    IReadOnlyList<double> MedianCpuMs, int Repeats, IReadOnlyList<IReadOnlyList<double>> Samples,
    IReadOnlyList<IReadOnlyList<double>> AlongsidePeaks)
{
    /// <summary>The median over blocks of value(ms of a run, peak beside it), for contender i.</summary>
    public double MedianAlongside(int i, Func<double, double, double> value) =>
        Harness.Median(Samples[i].Zip(AlongsidePeaks[i], value).ToList());
}

/// <summary>
/// The timing loop. Contenders take turns in phases: a phase is one contender alone, after its
/// own untimed warm-up runs (at least <see cref="WarmMs"/>), timing its share of the repeats
/// back to back. Every repeat is a block of runs lasting at least <see cref="BlockMs"/>, and
/// its mean per run is one sample; a contender's figure is the median of its samples. The
/// phases go A B C, then C B A (and, in a full run, A B C and C B A once more), so a slow drift
/// of the machine falls on all contenders alike, and a burst of load from elsewhere on the host
/// (which lasts tens of seconds here) falls on one phase of each contender, not on its only one.
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
            var (ms, cpuMs, beside) = Phase(mine, ctx.Warmups, ctx.ChildRepeats);
            string alongside = beside.Count > 0 ? string.Join(',', beside) : "-";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{ChildTag} {child} {string.Join(',', ms)} {string.Join(',', cpuMs)} {alongside}"));
            Console.Out.Flush();
            Environment.Exit(0);
        }

        int n = contenders.Count;
        var samples = contenders.Select(_ => new List<double>()).ToArray();
        var cpu = contenders.Select(_ => new List<double>()).ToArray();
        var peaks = contenders.Select(_ => new List<double>()).ToArray();
        int passes = Math.Min(ctx.Passes, ctx.Repeats);
        for (int pass = 0; pass < passes; pass++)
        {
            // The repeats spread over the passes as evenly as they go, earlier passes first.
            int share = ctx.Repeats * (pass + 1) / passes - ctx.Repeats * pass / passes;
            for (int k = 0; k < n && share > 0; k++)
            {
                int who = pass % 2 == 0 ? k : n - 1 - k;
                var (ms, cpuMs, alongside) = ctx.Isolate
                    ? ChildPhase(ctx, caseName, contenders[who].Name, share)
                    : Phase(contenders[who], ctx.Warmups, share);
                samples[who].AddRange(ms);
                cpu[who].AddRange(cpuMs);
                peaks[who].AddRange(alongside);
            }
        }

        return new Timing(contenders.Select(c => c.Name).ToArray(), samples.Select(Median).ToArray(),
            cpu.Select(Median).ToArray(), ctx.Repeats, samples, peaks);
    }

    // One contender alone: warm-up, then `repeats` timed blocks; per-run wall and CPU ms of each,
    // and with an Alongside probe the peak beside each block.
    private static (List<double> Ms, List<double> CpuMs, List<double> Peaks) Phase(Contender c, int warmups,
        int repeats)
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
        var peaks = new List<double>();
        double before = c.Alongside?.Invoke() ?? 0;
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
            if (c.Alongside is { } probe)
            {
                double after = probe();
                peaks.Add((before + after) / 2);
                before = after;
            }
        }

        return (ms, cpuMs, peaks);
    }

    // The same phase in a child process: this program with --child, which builds the case with
    // only that contender's library loaded and prints its samples on one line.
    private static (List<double> Ms, List<double> CpuMs, List<double> Peaks) ChildPhase(
        BenchContext ctx, string caseName, string who, int repeats)
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
        return (Parse(parts[2]), Parse(parts[3]), parts[4] == "-" ? new List<double>() : Parse(parts[4]));
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

    /// <summary>
    /// What one more time step allocates: (bytes of a run of <paramref name="time"/> steps - bytes
    /// of a run of time/2) / (time - time/2), each the smallest of three warm runs, so a refill of
    /// the array pool by an earlier case does not count. <paramref name="runOf"/> makes the run of
    /// a given number of steps (which should give back what it made, as the timed runs do).
    /// </summary>
    public static long LoopBytesPerStep(int time, Func<int, Action> runOf)
    {
        long Bytes(int steps)
        {
            var run = runOf(steps);
            run();
            return Enumerable.Range(0, 3).Min(_ => AllocatedBytes(run));
        }

        int half = time / 2;
        return (Bytes(time) - Bytes(half)) / (time - half);
    }

    private static void Settle() => Thread.Sleep(GapMs);

    internal static double Median(List<double> xs)
    {
        var s = xs.OrderBy(x => x).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
