namespace Pipelines.Video.Prediction;

/// <summary>Which frames of a clip <see cref="ClipPredictor"/> reads and how many it predicts.</summary>
public sealed record ClipPredictionOptions
{
    /// <summary>Context frames K; null for the model's trained number.</summary>
    public int? ContextFrames { get; init; }

    /// <summary>Frames to predict N; null for the model's trained number.</summary>
    public int? FutureFrames { get; init; }

    /// <summary>Where in the clip the context starts, in seconds.</summary>
    public double StartSeconds { get; init; }

    /// <summary>Take every n-th decoded frame (1 = all).</summary>
    public int Stride { get; init; } = 1;

    /// <summary>Sample at this rate by timestamp instead of a stride; null keeps the clip's rate.</summary>
    public double? Fps { get; init; }
}
