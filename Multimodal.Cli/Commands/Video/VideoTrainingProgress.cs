using System.Globalization;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Progress;
using Rnn.Core.Training;

namespace Multimodal.Cli.Commands.Video;

/// <summary>
/// Renders the reports of a <c>train video-predict</c> run: steps move the bar, each epoch end
/// prints one line with the validation MSE next to the copy-last-frame baseline, a resume says
/// from where.
/// </summary>
internal sealed class VideoTrainingProgress(CliContext context, IProgressReporter reporter)
    : IProgress<TrainingProgress>, IDisposable
{
    private IProgressTask? task;
    private long shown;

    /// <inheritdoc />
    public void Report(TrainingProgress value)
    {
        if (task is null)
        {
            task = reporter.Start("train video-predict", (long)value.Epochs * value.BatchesPerEpoch);
            task.Advance(value.Step);
            shown = value.Step;
        }

        if (value.Step > shown)
        {
            task.Advance(value.Step - shown);
            shown = value.Step;
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
                if (value.Validation is { } v)
                {
                    line += string.Create(c,
                        $" valid MSE {v["val_mse"]:0.0} (baseline {v["baseline_mse"]:0.0}, ratio {v["ratio"]:0.000})" +
                        $" SSIM {v["val_ssim"]:0.000}");
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

    /// <inheritdoc />
    public void Dispose() => task?.Dispose();
}
