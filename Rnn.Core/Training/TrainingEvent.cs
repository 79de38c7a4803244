namespace Rnn.Core.Training;

/// <summary>What a <see cref="TrainingProgress"/> report is about.</summary>
public enum TrainingEvent
{
    /// <summary>An optimizer step finished.</summary>
    Step,

    /// <summary>
    /// The run is about to take its first step (after any resume): reported once, so that a
    /// listener can time the run from its start rather than from its first reported step.
    /// </summary>
    Started,

    /// <summary>A step was skipped because its loss or gradient was not finite.</summary>
    SkippedStep,

    /// <summary>An epoch finished (with validation metrics when a validator is set).</summary>
    EpochEnd,

    /// <summary>A checkpoint was written.</summary>
    Checkpoint,

    /// <summary>The run continued from a checkpoint.</summary>
    Resumed,

    /// <summary>A checkpoint could not be read on resume; an older one was tried instead.</summary>
    CheckpointUnreadable,

    /// <summary>
    /// A run that starts over (no resume) removed the checkpoints an earlier run left in the
    /// checkpoint folder (<see cref="TrainingProgress.CheckpointPath"/>); <see cref="TrainingProgress.Problem"/>
    /// says how many.
    /// </summary>
    CheckpointsCleared,
}
