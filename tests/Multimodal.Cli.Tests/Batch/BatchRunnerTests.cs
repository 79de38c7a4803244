using Multimodal.Cli.Batch;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Progress;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Batch;

[TestFixture]
public sealed class BatchRunnerTests
{
    private static readonly string[] Items = ["a.wav", "b.wav", "c.wav", "d.wav", "e.wav"];

    private static Task Work(string item, CancellationToken ct) =>
        item is "b.wav" or "d.wav" ? throw new InvalidDataException($"cannot decode {item}") : Task.CompletedTask;

    [Test]
    public async Task Failures_are_collected_and_the_rest_still_run()
    {
        var ran = new System.Collections.Concurrent.ConcurrentBag<string>();

        var result = await BatchRunner.RunAsync(Items, i => i, async (item, ct) =>
        {
            ran.Add(item);
            await Work(item, ct);
        }, new BatchOptions<string> { Jobs = 2 }, NullProgressReporter.Instance);

        Assert.That(ran, Is.EquivalentTo(Items));
        Assert.That(result.Succeeded, Is.EqualTo(3));
        Assert.That(result.Failures.Select(f => f.Item), Is.EqualTo(new[] { "b.wav", "d.wav" }));
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failure));
    }

    [Test]
    public async Task Summary_lists_each_failure_as_an_error_line_then_the_counts()
    {
        var result = await BatchRunner.RunAsync(Items, i => i, Work,
            new BatchOptions<string> { Jobs = 3, IsDone = i => i == "e.wav" }, NullProgressReporter.Instance);
        var error = new StringWriter();

        result.WriteSummary(error);

        Assert.That(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            "error: b.wav: cannot decode b.wav",
            "error: d.wav: cannot decode d.wav",
            "2 succeeded, 2 failed, 1 skipped",
        }));
    }

    [Test]
    public async Task All_succeeding_exits_zero()
    {
        var result = await BatchRunner.RunAsync(["x", "y"], i => i, (_, _) => Task.CompletedTask,
            new BatchOptions<string>(), NullProgressReporter.Instance);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(result.Failures, Is.Empty);
    }

    [Test]
    public async Task Runs_at_most_jobs_items_at_once()
    {
        var running = 0;
        var peak = 0;

        await BatchRunner.RunAsync(Enumerable.Range(0, 9).ToList(), i => $"{i}", async (_, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(40, ct);
            Interlocked.Decrement(ref running);
        }, new BatchOptions<int> { Jobs = 3 }, NullProgressReporter.Instance);

        // 9 items of 40 ms with 3 slots overlap for sure; more than 3 at once would be a bug.
        Assert.That(peak, Is.InRange(2, 3));
    }

    [Test]
    public async Task Progress_advances_once_per_item()
    {
        var output = new StringWriter();
        var reporter = new PlainProgressReporter(output, new FakeClock());

        await BatchRunner.RunAsync(Enumerable.Range(0, 10).ToList(), i => $"f{i}", (_, _) => Task.CompletedTask,
            new BatchOptions<int> { Label = "transcribe" }, reporter);

        Assert.That(output.ToString(), Does.Contain("transcribe: started, 10 to do")
            .And.Contain("transcribe: done 10/10"));
    }

    // The closing line counts the failures: "done 10/10" alone would read as all done well (and a
    // live bar ends red rather than in the full bar's green).
    [Test]
    public async Task The_last_progress_line_counts_the_failed_items()
    {
        var output = new StringWriter();
        var reporter = new PlainProgressReporter(output, new FakeClock());

        await BatchRunner.RunAsync(Enumerable.Range(0, 10).ToList(), i => $"f{i}",
            (i, _) => i % 4 == 1 ? throw new InvalidDataException("bad") : Task.CompletedTask,
            new BatchOptions<int> { Label = "transcribe" }, reporter);

        Assert.That(output.ToString(), Does.Contain("transcribe: done 10/10, 3 failed in "));
    }

    [Test]
    public async Task Cancelling_stops_new_items_and_says_how_many_were_done()
    {
        using var cts = new CancellationTokenSource();
        var result = await BatchRunner.RunAsync(Enumerable.Range(0, 6).ToList(), i => $"{i}", (i, _) =>
        {
            if (i == 1)
            {
                cts.Cancel();
            }

            return Task.CompletedTask;
        }, new BatchOptions<int> { Jobs = 1 }, NullProgressReporter.Instance, cts.Token);

        Assert.That(result.Succeeded, Is.EqualTo(2));
        Assert.That(result.NotRun, Is.EqualTo(4));
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Interrupted));
        var summary = new StringWriter();
        result.WriteSummary(summary);
        Assert.That(summary.ToString(), Is.EqualTo(
            "interrupted: 2 of 6 files done (2 succeeded, 0 failed, 0 skipped)" + Environment.NewLine));
    }

    [Test]
    public async Task Cancelling_closes_the_progress_as_interrupted_not_done()
    {
        using var cts = new CancellationTokenSource();
        var output = new StringWriter();
        var reporter = new PlainProgressReporter(output, new FakeClock());

        await BatchRunner.RunAsync(Enumerable.Range(0, 6).ToList(), i => $"{i}", (i, _) =>
        {
            if (i == 1)
            {
                cts.Cancel();
            }

            return Task.CompletedTask;
        }, new BatchOptions<int> { Jobs = 1, Label = "transcribe" }, reporter, cts.Token);

        var lines = output.ToString().Trim().Split(Environment.NewLine);
        Assert.That(lines[^1], Is.EqualTo("transcribe: interrupted at 2/6 in 0.0 s"));
        Assert.That(output.ToString(), Does.Not.Contain("done"));
    }

    [Test]
    public async Task An_item_stopped_by_cancelling_is_not_run_rather_than_failed()
    {
        using var cts = new CancellationTokenSource();
        var result = await BatchRunner.RunAsync(Enumerable.Range(0, 3).ToList(), i => $"{i}", async (i, ct) =>
        {
            if (i == 1)
            {
                cts.Cancel();
                await Task.Delay(Timeout.Infinite, ct);
            }
        }, new BatchOptions<int> { Jobs = 1 }, NullProgressReporter.Instance, cts.Token);

        Assert.That(result.Failures, Is.Empty);
        Assert.That(result.Succeeded, Is.EqualTo(1));
        Assert.That(result.Interrupted, Is.True);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Interrupted));
    }

    [Test]
    public void Zero_jobs_is_rejected_with_the_value()
    {
        Assert.That(async () => await BatchRunner.RunAsync(["x"], i => i, (_, _) => Task.CompletedTask,
                new BatchOptions<string> { Jobs = 0 }, NullProgressReporter.Instance),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("got 0"));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value
            && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
