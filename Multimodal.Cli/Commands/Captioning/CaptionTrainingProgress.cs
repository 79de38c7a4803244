using System.Globalization;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Progress;
using Rnn.Core.Training;

namespace Multimodal.Cli.Commands.Captioning;

/// <summary>
/// Renders caption training reports: steps advance the bar, each epoch end prints one line with
/// the mean loss and the validation BLEU-1, BLEU-4 and CIDEr-D, a resume says from where.
/// </summary>
internal sealed class CaptionTrainingProgress(CliContext context, IProgressReporter reporter)
    : IProgress<TrainingProgress>, IDisposable
{
    private IProgressTask? task;
    private long shownStep;

    public void Report(TrainingProgress value)
    {
        if (task is null)
        {
            task = reporter.Start("train caption", (long)value.Epochs * value.BatchesPerEpoch);
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
                string line = string.Create(c,
                    $"epoch {value.Epoch + 1}/{value.Epochs} step {value.Step} loss {value.EpochMeanLoss:G4}");
                if (value.Validation is { } v && v.TryGetValue("val_bleu4", out double b4))
                {
                    line += string.Create(c,
                        $" valid BLEU-1 {v["val_bleu1"]:F3} BLEU-4 {b4:F3} CIDEr-D {v["val_cider_d"]:F3}");
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
        }
    }

    public void Dispose() => task?.Dispose();
}
