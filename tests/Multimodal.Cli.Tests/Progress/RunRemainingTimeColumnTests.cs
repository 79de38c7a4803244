using System.Diagnostics;
using Multimodal.Cli.Progress;
using Spectre.Console;

namespace Multimodal.Cli.Tests.Progress;

[TestFixture]
public sealed class RunRemainingTimeColumnTests
{
    // A run resumed at step 600 of 1000 that did 20 steps in its first 10 s has 380 steps, 190 s,
    // to go; Spectre's own estimate counts the 600 steps as done in that time too.
    [Test]
    public void A_resumed_run_is_timed_from_its_own_start_and_steps()
    {
        var task = new ProgressTask(1, "train", 1000);
        task.Value = 600;
        long tenSecondsAgo = Stopwatch.GetTimestamp() - 10 * Stopwatch.Frequency;
        var start = new RunRemainingTimeColumn.RunStart(tenSecondsAgo, 600);
        task.Increment(20);

        var left = RunRemainingTimeColumn.Left(task, start);

        Assert.That(left, Is.Not.Null);
        Assert.That(left!.Value.TotalSeconds, Is.EqualTo(190).Within(2));
        Assert.That(RunRemainingTimeColumn.Left(new ProgressTask(2, "fresh", 10) { Value = 0 },
            new RunRemainingTimeColumn.RunStart(Stopwatch.GetTimestamp(), 0)), Is.Null, "no work yet: unknown");
    }
}
