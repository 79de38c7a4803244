using System.Globalization;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Progress;
using Rnn.Core.Training;

namespace Multimodal.Cli.Commands;

/// <summary>
/// Renders <see cref="TrainingProgress"/> reports: steps advance the CLI progress task, each epoch
/// end prints one line (mean loss, validation WER/CER from <paramref name="validate"/>), a resume
/// says from which checkpoint and step. Reports arrive on the training thread, in order.
/// </summary>
/// <param name="context">Streams of the run.</param>
/// <param name="reporter">Draws the bar (or plain lines when redirected).</param>
/// <param name="validate">Validation WER and CER at an epoch end, or null without a validation set.</param>
internal sealed class TrainingProgressSink(
    CliContext context, IProgressReporter reporter, Func<int, (double Wer, double Cer)?> validate)
    : IProgress<TrainingProgress>, IDisposable
{
    private IProgressTask? task;
    private long shownStep;

    /// <inheritdoc />
    public void Report(TrainingProgress value)
    {
        if (task is null)
        {
            task = reporter.Start("train speech", (long)value.Epochs * value.BatchesPerEpoch);
            task.Advance(value.Step);
            shownStep = value.Step;
        }

        if (value.Step > shownStep)
        {
            task.Advance(value.Step - shownStep);
            shownStep = value.Step;
        }

        var c = CultureInfo.InvariantCulture;
        switch (value.Event)
        {
            case TrainingEvent.Step:
                task.Message(string.Create(c, $"epoch {value.Epoch + 1}/{value.Epochs} loss {value.Loss:G4}"));
                break;
            case TrainingEvent.EpochEnd:
                var scores = validate(value.Epoch);
                string line = string.Create(c,
                    $"epoch {value.Epoch + 1}/{value.Epochs} step {value.Step} loss {value.EpochMeanLoss:G4}");
                line += scores is { } v
                    ? string.Create(c, $" valid WER {v.Wer * 100:F2}% CER {v.Cer * 100:F2}%")
                    : " (no validation set)";
                task.Message(line);
                context.Environment.Out.WriteLine(line);
                break;
            case TrainingEvent.Resumed:
                string where = value.Epoch >= value.Epochs
                    ? "all epochs already done"
                    : string.Create(c, $"epoch {value.Epoch + 1}/{value.Epochs}, batch {value.BatchInEpoch}");
                context.Environment.Out.WriteLine(string.Create(c,
                    $"resuming from {value.CheckpointPath} at step {value.Step} ({where})"));
                break;
            case TrainingEvent.CheckpointUnreadable:
                context.Error(value.CheckpointPath, "checkpoint unreadable, trying an older one");
                break;
            case TrainingEvent.SkippedStep:
                task.Message($"step {value.Step} skipped (non-finite loss or gradient)");
                break;
        }
    }

    /// <inheritdoc />
    public void Dispose() => task?.Dispose();
}
