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
/// <param name="CheckpointPath">The file written (checkpoint and resume events).</param>
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
    string? CheckpointPath = null);
