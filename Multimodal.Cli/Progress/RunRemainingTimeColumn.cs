using System.Diagnostics;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Multimodal.Cli.Progress;

/// <summary>
/// Time left for a live bar, from this run's own rate. Spectre's RemainingTimeColumn counts every
/// increase of the value, so a resumed training run whose bar starts at its checkpoint's step
/// would look nearly done within a second; a task tagged with a <see cref="RunStart"/> is timed
/// from that start and value instead.
/// </summary>
public sealed class RunRemainingTimeColumn : ProgressColumn
{
    /// <summary>When the run began and how many units were done before it.</summary>
    public sealed record RunStart(long Timestamp, double DoneBefore);

    /// <inheritdoc />
    protected override bool NoWrap => true;

    /// <inheritdoc />
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
    {
        TimeSpan? left = task.Tag is RunStart start ? Left(task, start) : task.RemainingTime;
        if (task.IsFinished || left is null)
        {
            return new Text("--:--:--", new Style(Color.Blue));
        }

        var t = left.Value.TotalHours >= 100 ? TimeSpan.FromHours(99.99) : left.Value;
        return new Text($"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}", new Style(Color.Blue));
    }

    /// <summary>Time left at this run's own rate; null until it has done any work.</summary>
    public static TimeSpan? Left(ProgressTask task, RunStart start)
    {
        double seconds = Stopwatch.GetElapsedTime(start.Timestamp).TotalSeconds;
        double done = task.Value - start.DoneBefore;
        if (done <= 0 || seconds <= 0)
        {
            return null;
        }

        return TimeSpan.FromSeconds((task.MaxValue - task.Value) * seconds / done);
    }
}
