using Pipelines.Video.Decoding;
using Pipelines.Video.Metrics;

namespace Pipelines.Video.Prediction;

/// <summary>
/// What <see cref="ClipPredictor"/> read, predicted and scored. Frames are [channels, size, size] in [0, 1].
/// </summary>
/// <param name="Source">The clip's header information (its own frame size, codec, rate).</param>
/// <param name="FrameSize">Side of the frames the model saw.</param>
/// <param name="Channels">Channels of those frames.</param>
/// <param name="Context">The K frames read.</param>
/// <param name="Truth">The N frames that really followed.</param>
/// <param name="Predicted">The N frames predicted.</param>
/// <param name="Times">Timestamps in seconds of the K + N frames read.</param>
/// <param name="Scores">Predicted frames against the truth.</param>
/// <param name="Baseline">The copy-last-frame baseline against the truth.</param>
/// <param name="Warnings">Decoder warnings.</param>
public sealed record ClipPrediction(
    VideoInfo Source, int FrameSize, int Channels, float[][] Context, float[][] Truth, float[][] Predicted,
    double[] Times, FrameScores Scores, FrameScores Baseline, IReadOnlyList<string> Warnings)
{
    /// <summary>True when the clip's frames were resized to the model's input.</summary>
    public bool Resized => Source.Width != FrameSize || Source.Height != FrameSize;

    /// <summary>Frame rate of the frames read, from their timestamps (the clip's rate when unknown).</summary>
    public double SampledFps => Times.Length > 1 && Times[^1] > Times[0]
        ? (Times.Length - 1) / (Times[^1] - Times[0])
        : Source.Fps > 0 ? Source.Fps : 10;
}
