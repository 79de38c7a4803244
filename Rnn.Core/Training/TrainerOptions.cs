using Rnn.Core.Optim;

namespace Rnn.Core.Training;

/// <summary>Settings of a <see cref="Trainer{TBatch}"/> run.</summary>
public sealed record TrainerOptions
{
    /// <summary>Total epochs of the run (a resumed run counts the epochs already done).</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>
    /// Seed of <see cref="Trainer{TBatch}.Rng"/>, the generator a loss function may draw from
    /// (noise, augmentation). Seed the model's initialisation and data order yourself.
    /// </summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Learning rate per optimizer step; null leaves the optimizer's rate alone.</summary>
    public ILearningRateSchedule? Schedule { get; init; }

    /// <summary>Clip gradients to this global norm before each step; null for no clipping.</summary>
    public float? ClipGradientNorm { get; init; }

    /// <summary>Folder for checkpoints; null for none.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Write a checkpoint every this many optimizer steps; 0 for none between epochs.</summary>
    public int CheckpointEverySteps { get; init; }

    /// <summary>Write a checkpoint at the end of every epoch (after validation).</summary>
    public bool CheckpointAtEpochEnd { get; init; } = true;

    /// <summary>Number of newest checkpoints kept; 0 keeps all.</summary>
    public int KeepCheckpoints { get; init; } = 2;

    /// <summary>Continue from the latest checkpoint in <see cref="CheckpointDirectory"/> when there is one.</summary>
    public bool Resume { get; init; }

    /// <summary>
    /// Settings of the run recorded in every checkpoint, by name (say "--speed-percent" = "10"): a
    /// resume whose value differs from the checkpoint's fails with
    /// <see cref="InvalidDataException"/> naming the setting and both values. One the checkpoint did
    /// not record (an older checkpoint) is accepted. Null records none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? RunSettings { get; init; }

    /// <summary>
    /// What is being trained, say "speech": recorded in every checkpoint, and a resume from a
    /// checkpoint that records another kind fails with <see cref="InvalidDataException"/> saying
    /// which kind wrote it (see <see cref="TrainingCheckpoint.CheckKind"/>). Null records none.
    /// </summary>
    public string? RunKind { get; init; }

    /// <summary>
    /// Report a <see cref="TrainingEvent.Step"/> progress every this many steps (epoch ends always report).
    /// </summary>
    public int ReportEverySteps { get; init; } = 1;

    /// <summary>
    /// What to do when a loss or gradient norm is NaN or infinite: false (default) throws with
    /// the epoch and step, true skips that update and reports it.
    /// </summary>
    public bool SkipNonFiniteSteps { get; init; }

    /// <summary>Checks the values; throws with the bad one.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegative(CheckpointEverySteps, nameof(CheckpointEverySteps));
        ArgumentOutOfRangeException.ThrowIfNegative(KeepCheckpoints, nameof(KeepCheckpoints));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ReportEverySteps, nameof(ReportEverySteps));
        if (ClipGradientNorm is { } clip && !(clip > 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(ClipGradientNorm), $"must be > 0 or null; got {clip}");
        }

        if (Resume && CheckpointDirectory is null)
        {
            throw new ArgumentException("Resume needs a CheckpointDirectory");
        }
    }
}
