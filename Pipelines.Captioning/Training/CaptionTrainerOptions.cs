using Pipelines.Captioning.Decoding;

namespace Pipelines.Captioning.Training;

/// <summary>Settings of a <see cref="CaptionTrainer"/> run.</summary>
public sealed record CaptionTrainerOptions
{
    /// <summary>Most epochs; early stopping may end sooner.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Captions per batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Peak learning rate (Adam; linear warm-up, then cosine decay to a tenth).</summary>
    public float LearningRate { get; init; } = 2e-3f;

    /// <summary>Warm-up steps.</summary>
    public int WarmupSteps { get; init; } = 200;

    /// <summary>Global gradient-norm clip.</summary>
    public float ClipGradientNorm { get; init; } = 5f;

    /// <summary>Stop after this many epochs without a better validation score; 0 never stops early.</summary>
    public int Patience { get; init; } = 3;

    /// <summary>Which validation score picks the best epoch (and drives early stopping).</summary>
    public CaptionSelection Selection { get; init; } = CaptionSelection.Bleu4;

    /// <summary>Decoding used for the validation BLEU each epoch.</summary>
    public BeamSearchOptions Validation { get; init; } = new();

    /// <summary>Seed of the batch order.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Folder for checkpoints and the best weights; null for none (no resume).</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Continue from the newest checkpoint.</summary>
    public bool Resume { get; init; }

    /// <summary>
    /// Settings recorded in each checkpoint and compared on resume (see
    /// <see cref="Rnn.Core.Training.TrainerOptions.RunSettings"/>): a resume with another value is
    /// refused naming it, before the weights are restored.
    /// </summary>
    public IReadOnlyDictionary<string, string>? RunSettings { get; init; }

    /// <summary>Checkpoint every this many steps as well as at epoch ends.</summary>
    public int CheckpointEverySteps { get; init; } = 500;

    /// <summary>Step reports every this many steps.</summary>
    public int ReportEverySteps { get; init; } = 10;
}

/// <summary>The validation score that chooses the epoch a caption training run keeps.</summary>
public enum CaptionSelection
{
    /// <summary>BLEU-4; CIDEr-D, then BLEU-1, break ties.</summary>
    Bleu4,

    /// <summary>The mean of BLEU-1..4 (short and long n-grams count alike); BLEU-4 breaks ties.</summary>
    BleuMean,
}
