namespace Rnn.Core.Training;

/// <summary>
/// One progress report of a training run. The library prints nothing; a caller renders these
/// (the CLI draws a bar with loss, steps/s and ETA).
/// </summary>
/// <param name="Event">What happened.</param>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Epochs">Total epochs of the run.</param>
/// <param name="Step">Optimizer steps taken so far in the whole run.</param>
/// <param name="BatchInEpoch">Batches of this epoch done so far.</param>
/// <param name="BatchesPerEpoch">Batches per epoch.</param>
/// <param name="Loss">Loss of the last batch (NaN when there is none yet).</param>
/// <param name="EpochMeanLoss">Mean loss over this epoch's batches so far.</param>
/// <param name="LearningRate">Learning rate of the last step.</param>
/// <param name="GradientNorm">Global gradient norm before clipping, when clipping is on.</param>
/// <param name="StepsPerSecond">Throughput since this process started or resumed the run.</param>
/// <param name="Eta">Estimated time to the end of the run, when known.</param>
/// <param name="Validation">Validation metrics (epoch ends only, when a validator is given).</param>
/// <param name="CheckpointPath">The file written, resumed from or found unreadable (checkpoint events);
/// the folder for <see cref="TrainingEvent.CheckpointsCleared"/>.</param>
/// <param name="Problem">Why the checkpoint could not be read (<see cref="TrainingEvent.CheckpointUnreadable"/>);
/// <see cref="UnverifiedResume"/> for a <see cref="TrainingEvent.Resumed"/> from a checkpoint without
/// a checksum, else null there;
/// what was removed (<see cref="TrainingEvent.CheckpointsCleared"/>).</param>
public sealed record TrainingProgress(
    TrainingEvent Event,
    int Epoch,
    int Epochs,
    long Step,
    int BatchInEpoch,
    int BatchesPerEpoch,
    float Loss,
    double EpochMeanLoss,
    float LearningRate,
    float? GradientNorm,
    double StepsPerSecond,
    TimeSpan? Eta,
    IReadOnlyDictionary<string, double>? Validation = null,
    string? CheckpointPath = null,
    string? Problem = null)
{
    /// <summary>
    /// The <see cref="Problem"/> of a <see cref="TrainingEvent.Resumed"/> whose checkpoint carried no
    /// checksum (written before checksums, or its checksum field changed since), so nothing could
    /// tell whether its bytes changed after it was written.
    /// </summary>
    public const string UnverifiedResume = "it carries no checksum, so it was not verified";

    /// <summary>
    /// One line for a log, e.g. "epoch 2/10 batch 40/125 step 165 loss 0.4312 (epoch mean 0.4870)
    /// lr 0.001 31.2 steps/s ETA 00:05:12".
    /// </summary>
    public override string ToString()
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        string text = string.Format(
            c, "{0} epoch {1}/{2} batch {3}/{4} step {5} loss {6:G4} (epoch mean {7:G4}) lr {8:G3} {9:F1} steps/s",
            Event, Epoch + 1, Epochs, BatchInEpoch, BatchesPerEpoch, Step, Loss, EpochMeanLoss, LearningRate,
            StepsPerSecond);
        if (GradientNorm is { } norm)
        {
            text += string.Format(c, " grad norm {0:G3}", norm);
        }

        if (Eta is { } eta)
        {
            text += " ETA " + eta.ToString(@"hh\:mm\:ss", c);
        }

        if (Validation is not null)
        {
            text += " " + string.Join(" ", Validation.Select(v => string.Format(c, "{0} {1:G4}", v.Key, v.Value)));
        }

        return CheckpointPath is null ? text : text + " -> " + CheckpointPath;
    }
}
