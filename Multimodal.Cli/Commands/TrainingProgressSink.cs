using System.Globalization;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Progress;
using Rnn.Core.Training;

namespace Multimodal.Cli.Commands;

/// <summary>
/// Renders <see cref="TrainingProgress"/> reports for every <c>train</c> verb: steps advance the CLI
/// progress task, each epoch end prints one line (mean loss plus the pipeline's validation scores
/// from <paramref name="epochScores"/>), a resume says from which checkpoint and step. Reports
/// arrive on the training thread, in order.
/// </summary>
/// <param name="context">Streams of the run.</param>
/// <param name="reporter">Draws the bar (or plain lines when redirected).</param>
/// <param name="taskName">The bar's name, e.g. "train speech".</param>
/// <param name="epochScores">Text appended to an epoch-end line (leading space), or "" for none.</param>
/// <param name="cancellation">Ctrl-C; a run it stopped leaves the bar marked interrupted, not done.</param>
internal sealed class TrainingProgressSink(
    CliContext context, IProgressReporter reporter, string taskName, Func<TrainingProgress, string> epochScores,
    CancellationToken cancellation)
    : IProgress<TrainingProgress>, IDisposable
{
    private IProgressTask? task;
    private long shownStep;
    private long totalSteps;
    private bool failed;

    /// <summary>
    /// Called once when training really starts (after a resume's checkpoint was read and its settings
    /// accepted): where a verb records its command line (<see cref="TrainedModelCard.RecordCommand"/>),
    /// so a refused run leaves no trace in the run's list.
    /// </summary>
    public Action? Started { get; init; }

    /// <inheritdoc />
    public void Report(TrainingProgress value)
    {
        if (task is null)
        {
            // A checkpoint past --epochs is past the planned total: "done 15/10" would read as a miscount.
            totalSteps = Math.Max((long)value.Epochs * value.BatchesPerEpoch, value.Step);
            // A resumed run reports Resumed first, at its checkpoint's step: those steps fill the
            // bar but not the rate. A fresh run reports Started before its first step, so the bar's
            // rate and time count from there (started at the first step report, a 28 s step showed
            // as "done 1/1 in 0.4 s" and the first rate as thousands of steps a second).
            long before = value.Event == TrainingEvent.Resumed ? value.Step : 0;
            task = reporter.Start(taskName, totalSteps, before);
            shownStep = before;
        }

        if (value.Step > shownStep)
        {
            task.Advance(value.Step - shownStep);
            shownStep = value.Step;
        }

        var c = CultureInfo.InvariantCulture;
        switch (value.Event)
        {
            case TrainingEvent.Started:
                Started?.Invoke();
                break;
            case TrainingEvent.Step:
                task.Message(string.Create(c, $"epoch {value.Epoch + 1}/{value.Epochs} loss {value.Loss:G4}"));
                break;
            case TrainingEvent.EpochEnd:
                string line = string.Create(c,
                    $"epoch {value.Epoch + 1}/{value.Epochs} step {value.Step} loss {value.EpochMeanLoss:G4}")
                    + epochScores(value);
                task.Message(line);
                context.Environment.Out.WriteLine(line);
                break;
            case TrainingEvent.Resumed:
                context.Environment.Out.WriteLine(string.Create(c,
                    $"resuming from {value.CheckpointPath} at step {value.Step}{Where(value)}"));
                if (value.Problem is { } unverified)
                {
                    context.Environment.Error.WriteLine(
                        ErrorLine.FormatWarning(value.CheckpointPath, $"checkpoint not verified: {unverified}"));
                }

                break;
            case TrainingEvent.CheckpointUnreadable:
                // The run goes on from an older checkpoint, so this is a warning, not an error.
                string why = WithoutPath(value.Problem, value.CheckpointPath);
                context.Environment.Error.WriteLine(ErrorLine.FormatWarning(value.CheckpointPath,
                    $"checkpoint unreadable: {why}; trying an older one"));
                break;
            case TrainingEvent.CheckpointsCleared:
                // Without --resume the run starts over; an earlier run's checkpoints would otherwise
                // outlive this run's (the highest steps are kept) and a later --resume would continue them.
                context.Environment.Out.WriteLine(
                    $"starting over: removed {value.Problem} from {value.CheckpointPath} (--resume continues a run)");
                break;
            case TrainingEvent.SkippedStep:
                task.Message($"step {value.Step} skipped (non-finite loss or gradient)");
                break;
        }
    }

    /// <summary>
    /// Runs the training: a failure (a full disk, a bad checkpoint) ends the bar "stopped at N/M"
    /// rather than "done".
    /// </summary>
    public T Watch<T>(Func<T> train)
    {
        try
        {
            return train();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failed = true;
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Early stopping also ends short of the last step, but only Ctrl-C is an interruption.
        if (cancellation.IsCancellationRequested && shownStep < totalSteps)
        {
            task?.Interrupt();
        }
        else if (failed)
        {
            task?.Stop();
        }

        task?.Dispose();
    }

    // Where a resume starts. A checkpoint past the end (a rerun with a smaller --epochs) trains no
    // more: said here, in the one line, since the trainer has nothing else to report.
    private static string Where(TrainingProgress value)
    {
        var c = CultureInfo.InvariantCulture;
        if (value.Epoch < value.Epochs)
        {
            return string.Create(c, $" (epoch {value.Epoch + 1}/{value.Epochs}, batch {value.BatchInEpoch})");
        }

        if (value.Epoch == value.Epochs && value.BatchInEpoch == 0)
        {
            return " (all epochs already done)";
        }

        string at = value.BatchInEpoch == 0
            ? string.Create(c, $"epoch {value.Epoch}")
            : string.Create(c, $"epoch {value.Epoch + 1}, batch {value.BatchInEpoch}");
        return string.Create(c,
            $": the checkpoint is already past --epochs {value.Epochs} (at {at}), so nothing more is trained");
    }

    // The readers' messages start with the file ("PATH: ..." or "'PATH': ..."); the line names it already.
    private static string WithoutPath(string? problem, string? path)
    {
        if (string.IsNullOrWhiteSpace(problem))
        {
            return "no reason given";
        }

        foreach (string prefix in new[] { $"{path}: ", $"'{path}': " })
        {
            if (path is not null && problem.StartsWith(prefix, StringComparison.Ordinal))
            {
                return problem[prefix.Length..];
            }
        }

        return problem;
    }
}
