using System.Globalization;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Progress;
using Rnn.Core.Training;

namespace Multimodal.Cli.Commands.Emotion;

/// <summary>
/// Renders the emotion trainer's reports: steps advance the bar, each epoch end prints one line
/// with the mean loss and the validation accuracy, a resume says where it continues.
/// </summary>
internal sealed class EmotionTrainingSink(CliContext context, IProgressReporter reporter)
    : IProgress<TrainingProgress>, IDisposable
{
    private IProgressTask? task;
    private long shownStep;

    /// <inheritdoc />
    public void Report(TrainingProgress value)
    {
        task ??= Start(value);
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
                string line = string.Create(c,
                    $"epoch {value.Epoch + 1}/{value.Epochs} step {value.Step} loss {value.EpochMeanLoss:G4}");
                if (value.Validation is { } v && v.TryGetValue("val_acc", out double acc))
                {
                    double recall = v["val_mean_recall"];
                    line += string.Create(c, $" valid accuracy {acc * 100:F2}% mean recall {recall * 100:F2}%");
                }

                task.Message(line);
                context.Environment.Out.WriteLine(line);
                break;
            case TrainingEvent.Resumed:
                context.Environment.Out.WriteLine(string.Create(c,
                    $"resuming from {value.CheckpointPath} at step {value.Step}"));
                break;
            case TrainingEvent.CheckpointUnreadable:
                context.Error(value.CheckpointPath, "checkpoint unreadable, trying an older one");
                break;
            case TrainingEvent.SkippedStep:
                task.Message($"step {value.Step} skipped (non-finite loss or gradient)");
                break;
        }
    }

    private IProgressTask Start(TrainingProgress value)
    {
        var t = reporter.Start("train emotion", (long)value.Epochs * value.BatchesPerEpoch);
        t.Advance(value.Step);
        shownStep = value.Step;
        return t;
    }

    /// <inheritdoc />
    public void Dispose() => task?.Dispose();
}
