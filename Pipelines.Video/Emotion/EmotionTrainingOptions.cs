namespace Pipelines.Video.Emotion;

/// <summary>Settings of one <see cref="EmotionTrainer"/> run.</summary>
public sealed record EmotionTrainingOptions
{
    /// <summary>The FER-2013-style train folder (one sub-folder per class).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>
    /// A fingerprint of the data folder (a hash of its file list and sizes, say), recorded in each
    /// checkpoint: a resume whose folder gives another one is refused, since it would keep "the
    /// best" weights by validation on other faces. Null: not recorded or compared.
    /// </summary>
    public string? DataFingerprint { get; init; }

    /// <summary>
    /// Asked of each face image before it is decoded: why it must not be, or null (see
    /// <see cref="FerDataset.Load"/>). Null: every image goes to OpenCV.
    /// </summary>
    public Func<string, string?>? CheckFile { get; init; }

    /// <summary>Where the model directory (best on validation) is written.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Checkpoints for resume; "OUT/checkpoints" when null.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Continue from the newest checkpoint when there is one.</summary>
    public bool Resume { get; init; } = true;

    /// <summary>Passes over the training faces.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Sequences per batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Peak learning rate (AdamW, linear warm-up then cosine decay).</summary>
    public float LearningRate { get; init; } = 2e-3f;

    /// <summary>AdamW decoupled weight decay.</summary>
    public float WeightDecay { get; init; } = 1e-4f;

    /// <summary>Relative frequency of training clip lengths 1, 2, 3, ...</summary>
    public IReadOnlyList<double> LengthWeights { get; init; } = new[] { 0.85, 0.1, 0.05 };

    /// <summary>Exponent of the class weights (see <see cref="EmotionLoss.ClassWeights"/>).</summary>
    public double ClassWeightPower { get; init; } = 0.5;

    /// <summary>Label smoothing of the cross-entropy.</summary>
    public float LabelSmoothing { get; init; } = 0.05f;

    /// <summary>Every n-th face of each class is held out for validation (model selection).</summary>
    public int ValidationEveryNth { get; init; } = 10;

    /// <summary>Read at most this many faces per class (0: all), for quick runs and tests.</summary>
    public int LimitPerClass { get; init; }

    /// <summary>Checkpoint every this many steps (besides each epoch end); 0: epoch ends only.</summary>
    public int CheckpointEverySteps { get; init; } = 100;

    /// <summary>Seed of weights, split, shuffles and augmentation.</summary>
    public ulong Seed { get; init; } = 7;

    /// <summary>Network sizes.</summary>
    public EmotionNetOptions Network { get; init; } = new();
}
