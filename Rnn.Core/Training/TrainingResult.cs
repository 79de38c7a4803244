namespace Rnn.Core.Training;

/// <summary>Summary of one finished epoch.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="MeanLoss">Mean training loss over the epoch's batches (skipped steps excluded).</param>
/// <param name="Validation">Validation metrics, or null without a validator.</param>
public sealed record EpochSummary(int Epoch, double MeanLoss, IReadOnlyDictionary<string, double>? Validation);

/// <summary>What <see cref="Trainer{TBatch}.Fit"/> did.</summary>
/// <param name="Steps">Optimizer steps of the whole run, including those before a resume.</param>
/// <param name="Epochs">Epoch summaries of the epochs this call finished.</param>
/// <param name="ResumedFrom">Checkpoint the call continued from, or null.</param>
/// <param name="SkippedSteps">Updates skipped for non-finite loss or gradients in this call.</param>
public sealed record TrainingResult(
    long Steps, IReadOnlyList<EpochSummary> Epochs, string? ResumedFrom, int SkippedSteps)
{
    /// <summary>
    /// Epochs the whole run has finished, those before a resume included. A resume from a checkpoint
    /// already past <see cref="TrainerOptions.Epochs"/> trains nothing, and this is the checkpoint's
    /// count, more than the epochs asked for; 0 when the creator of the result did not say.
    /// </summary>
    public int EpochsDone { get; init; }
}
