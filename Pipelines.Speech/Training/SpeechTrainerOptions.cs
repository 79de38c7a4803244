using Pipelines.Speech.Features;

namespace Pipelines.Speech.Training;

/// <summary>Settings of a <see cref="SpeechTrainer"/> run.</summary>
public sealed record SpeechTrainerOptions
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Utterances per batch.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Peak learning rate of AdamW (reached after the warm-up).</summary>
    public float LearningRate { get; init; } = 2e-3f;

    /// <summary>Rate the cosine decay ends at.</summary>
    public float FinalLearningRate { get; init; } = 5e-5f;

    /// <summary>Linear warm-up steps before the cosine decay.</summary>
    public int WarmupSteps { get; init; } = 100;

    /// <summary>AdamW decoupled weight decay.</summary>
    public float WeightDecay { get; init; } = 1e-2f;

    /// <summary>Clip gradients to this global norm; null for none.</summary>
    public float? ClipGradientNorm { get; init; } = 5f;

    /// <summary>Masks applied to training batches; null for no augmentation.</summary>
    public SpecAugment? Augment { get; init; } = new() { MaxTimeWidth = 10, MaxFrequencyWidth = 6 };

    /// <summary>
    /// Vocal tract length perturbation of each training utterance's log-mel bands before the DCT
    /// and normalisation (and before <see cref="Augment"/>), drawn anew every batch; null for none.
    /// Needs training examples that carry their <see cref="SpeechExample.Bands"/>.
    /// </summary>
    public VocalTractPerturbation? Vtlp { get; init; }

    /// <summary>Seeds batch order, masks and the trainer's generator.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Checkpoint folder; null for none.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Continue from the newest checkpoint in <see cref="CheckpointDirectory"/>.</summary>
    public bool Resume { get; init; }

    /// <summary>
    /// Settings recorded in each checkpoint and checked on resume (see
    /// <see cref="Rnn.Core.Training.TrainerOptions.RunSettings"/>); null for none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? RunSettings { get; init; }

    /// <summary>Also checkpoint every this many steps (0: only at epoch ends).</summary>
    public int CheckpointEverySteps { get; init; }

    /// <summary>Report a step every this many steps.</summary>
    public int ReportEverySteps { get; init; } = 10;
}
