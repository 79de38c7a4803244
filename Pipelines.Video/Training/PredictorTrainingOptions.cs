using Pipelines.Video.Data;
using Pipelines.Video.Prediction;

namespace Pipelines.Video.Training;

/// <summary>Settings of a Moving-MNIST training run of a <see cref="ConvLstmPredictor"/>.</summary>
public sealed record PredictorTrainingOptions
{
    /// <summary>The MNIST idx3 images (the 10,000 test digits), gzip or not.</summary>
    public required string MnistImagesPath { get; init; }

    /// <summary>
    /// A fingerprint of the MNIST file (a hash of its bytes, say), recorded in each checkpoint: a
    /// resume whose file gives another one is refused, since it would train the rest of the run on
    /// other digits against a validation baseline of those. Null: not recorded or compared.
    /// </summary>
    public string? DataFingerprint { get; init; }

    /// <summary>Model directory written at every epoch end; checkpoints go to its "checkpoints" folder.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The architecture; its context and future frames must add up to the sequence length.</summary>
    public PredictorConfig Model { get; init; } = new();

    /// <summary>The sequence protocol.</summary>
    public MovingMnistOptions Sequences { get; init; } = new();

    /// <summary>Epochs of the run.</summary>
    public int Epochs { get; init; } = 6;

    /// <summary>Optimizer steps per epoch.</summary>
    public int BatchesPerEpoch { get; init; } = 300;

    /// <summary>Sequences per step (generated on the fly).</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>Peak Adam learning rate (cosine decay to a tenth of it, after a short warm-up).</summary>
    public float LearningRate { get; init; } = 2e-3f;

    /// <summary>Global gradient-norm clip.</summary>
    public float ClipGradientNorm { get; init; } = 5f;

    /// <summary>
    /// Share of the run over which the chance of feeding the forecaster the true previous frame
    /// falls linearly from 1 to 0 (scheduled sampling); 0 turns teacher forcing off.
    /// </summary>
    public double TeacherForcingFraction { get; init; } = 0.6;

    /// <summary>Seed of the weights and of the training sequences.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Fixed validation sequences scored at every epoch end.</summary>
    public int ValidationSequences { get; init; } = 48;

    /// <summary>Checkpoint every this many steps (and at every epoch end).</summary>
    public int CheckpointEverySteps { get; init; } = 25;

    /// <summary>Continue from the newest checkpoint when there is one.</summary>
    public bool Resume { get; init; } = true;

    /// <summary>Throws with the first bad value.</summary>
    public void Validate()
    {
        Model.Validate();
        if (Model.ContextFrames + Model.FutureFrames != Sequences.Frames)
        {
            throw new ArgumentException(
                $"context {Model.ContextFrames} + future {Model.FutureFrames} must equal the sequence length " +
                $"{Sequences.Frames}");
        }

        if (Model.FrameSize != Sequences.CanvasSize || Model.Channels != 1)
        {
            throw new ArgumentException(
                $"Moving-MNIST frames are {Sequences.CanvasSize}x{Sequences.CanvasSize} gray; the model takes " +
                $"{Model.FrameSize}x{Model.FrameSize} with {Model.Channels} channel(s)");
        }

        if (Epochs < 1 || BatchesPerEpoch < 1 || BatchSize < 1 || ValidationSequences < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs),
                $"epochs, batches per epoch, batch size and validation sequences must be >= 1; got " +
                $"{Epochs}, {BatchesPerEpoch}, {BatchSize}, {ValidationSequences}");
        }

        if (!(TeacherForcingFraction >= 0 && TeacherForcingFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(TeacherForcingFraction),
                $"teacher forcing fraction must be in [0, 1]; got {TeacherForcingFraction}");
        }

        if (!(LearningRate > 0) || !(ClipGradientNorm > 0) || CheckpointEverySteps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate),
                $"learning rate and clip must be > 0, checkpoint interval >= 0; got {LearningRate}, " +
                $"{ClipGradientNorm}, {CheckpointEverySteps}");
        }
    }
}
