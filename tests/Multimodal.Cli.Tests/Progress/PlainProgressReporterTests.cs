using Multimodal.Cli.Progress;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Progress;

[TestFixture]
public sealed class PlainProgressReporterTests
{
    [Test]
    public void Prints_start_each_tenth_and_done_when_time_stands_still()
    {
        var clock = new FakeClock();
        var output = new StringWriter();
        var reporter = new PlainProgressReporter(output, clock);

        var task = reporter.Start("work", 100);
        for (var i = 0; i < 100; i++)
        {
            task.Advance();
        }

        task.Finish();

        var lines = Lines(output);
        Assert.That(lines, Has.Length.EqualTo(11), string.Join("\n", lines));
        Assert.That(lines[0], Is.EqualTo("work: started, 100 to do"));
        Assert.That(lines[1], Does.StartWith("work: 10% (10/100)"));
        Assert.That(lines[9], Does.StartWith("work: 90% (90/100)"));
        Assert.That(lines[10], Is.EqualTo("work: done 100/100 in 0.0 s"));
    }

    [Test]
    public void Prints_a_line_when_five_seconds_pass_within_a_tenth()
    {
        var clock = new FakeClock();
        var output = new StringWriter();
        var task = new PlainProgressReporter(output, clock).Start("slow", 1000);

        task.Advance();                        // 0.1 %: no new tenth, no time passed
        clock.Advance(TimeSpan.FromSeconds(4));
        task.Advance();                        // 4 s: still quiet
        clock.Advance(TimeSpan.FromSeconds(1.5));
        task.Message("file-3.wav");            // 5.5 s since start: due

        var lines = Lines(output);
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[1], Does.StartWith("slow: 0% (2/1000) 0.36/s ETA 00:45:")
            .And.EndWith(" - file-3.wav"));
    }

    // A resumed training run starts at its checkpoint's step: 600 steps done before this run must
    // not count as done in its first seconds (the rate was 60/s and the time left far too short).
    [Test]
    public void Units_done_before_the_run_fill_the_count_but_not_the_rate()
    {
        var clock = new FakeClock();
        var output = new StringWriter();
        var task = new PlainProgressReporter(output, clock).Start("train", 1000, done: 600);

        clock.Advance(TimeSpan.FromSeconds(10));
        task.Advance(20);                      // 2 a second in this run

        var lines = Lines(output);
        Assert.That(lines, Has.Length.EqualTo(2), string.Join("\n", lines));
        Assert.That(lines[0], Is.EqualTo("train: started at 600/1000"));
        Assert.That(lines[1], Is.EqualTo("train: 62% (620/1000) 2/s ETA 00:03:10"));
    }

    [Test]
    public void Unknown_total_prints_counts_on_the_interval()
    {
        var clock = new FakeClock();
        var output = new StringWriter();
        var task = new PlainProgressReporter(output, clock).Start("scan", 0);

        for (var i = 0; i < 3; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(5));
            task.Advance(10);
        }

        task.Finish();

        var lines = Lines(output);
        Assert.That(lines, Is.EqualTo(new[]
        {
            "scan: started", "scan: 10 done 2/s", "scan: 20 done 2/s", "scan: 30 done 2/s",
            "scan: done 30 in 15.0 s",
        }));
    }

    [Test]
    public void Finish_is_idempotent_and_later_calls_are_ignored()
    {
        var output = new StringWriter();
        var task = new PlainProgressReporter(output, new FakeClock()).Start("x", 2);

        task.Finish();
        task.Advance();
        task.Dispose();

        Assert.That(Lines(output), Has.Length.EqualTo(2));
    }

    // Ctrl-C: the closing line must not say "done 3/10" as if the work were finished.
    [Test]
    public void Interrupt_closes_with_interrupted_at_and_later_calls_are_ignored()
    {
        var clock = new FakeClock();
        var output = new StringWriter();
        var task = new PlainProgressReporter(output, clock).Start("transcribe", 10);

        task.Advance(3);
        clock.Advance(TimeSpan.FromSeconds(1.25));
        task.Interrupt();
        task.Finish();
        task.Dispose();

        var lines = Lines(output);
        Assert.That(lines[^1], Is.EqualTo("transcribe: interrupted at 3/10 in 1.3 s"));
        Assert.That(lines, Has.None.Contains("done"));
    }

    [Test]
    public void Lines_from_parallel_tasks_do_not_interleave()
    {
        var output = new StringWriter();
        var reporter = new PlainProgressReporter(output, new FakeClock());

        Parallel.For(0, 8, i =>
        {
            using var task = reporter.Start($"t{i}", 50);
            for (var k = 0; k < 50; k++)
            {
                task.Advance();
            }
        });

        Assert.That(Lines(output), Has.Length.EqualTo(8 * 11));
        Assert.That(Lines(output), Has.All.Match(@"^t\d: "));
    }

    private static string[] Lines(StringWriter output) =>
        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    // hh:mm:ss wrapped at a day (1e12 steps at 222/s showed "ETA 13:31:15"): whole hours up to 99,
    // days from 100 hours on.
    [TestCase(190.0, "00:03:10")]
    [TestCase(30 * 3600.0 + 61, "30:01:01")]
    [TestCase(99 * 3600.0 + 59 * 60 + 59, "99:59:59")]
    [TestCase(100 * 3600.0, "4 days")]
    [TestCase(1e12 / 222, "52135 days")]
    public void Time_left_counts_whole_hours_then_days(double seconds, string shown) =>
        Assert.That(RunRemainingTimeColumn.Format(TimeSpan.FromSeconds(seconds)), Is.EqualTo(shown));

    // A run that fails part-way (a full disk) closed its bar by disposing it, which said "done 224/500"
    // before the error line: Stop says where it stopped, and a later Dispose or Finish changes nothing.
    [Test]
    public void A_stopped_task_says_so_and_stays_stopped()
    {
        var output = new StringWriter();
        var reporter = new PlainProgressReporter(output, new FakeClock());
        using (var task = reporter.Start("caption", 500))
        {
            task.Advance(224);
            task.Stop();
            task.Finish();
        }

        var lines = Lines(output);
        Assert.That(lines[^1], Is.EqualTo("caption: stopped at 224/500 in 0.0 s"));
        Assert.That(lines.Count(l => l.Contains("done", StringComparison.Ordinal)), Is.Zero);
    }
}
