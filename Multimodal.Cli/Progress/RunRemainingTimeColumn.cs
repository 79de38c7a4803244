using System.Diagnostics;
using System.Globalization;
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

        return new Text(Format(left.Value), new Style(Color.Blue));
    }

    /// <summary>
    /// Time left as hh:mm:ss counting whole hours (not wrapping at a day: 13:31:15 for 1e12 steps at
    /// 222/s was a lie), and as days from 100 hours on.
    /// </summary>
    public static string Format(TimeSpan left) => left.TotalHours >= 100
        ? string.Create(CultureInfo.InvariantCulture, $"{left.TotalDays:0} days")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)left.TotalHours:00}:{left.Minutes:00}:{left.Seconds:00}");

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
