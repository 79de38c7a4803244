namespace Pipelines.Video.Data;

/// <summary>
/// The Moving-MNIST protocol of Srivastava et al. (2015), "Unsupervised Learning of Video
/// Representations using LSTMs": digits bouncing inside a square canvas, 10 frames in and 10 out.
/// </summary>
public sealed record MovingMnistOptions
{
    /// <summary>Canvas side in pixels (64 in the paper).</summary>
    public int CanvasSize { get; init; } = 64;

    /// <summary>Digits per sequence (2 in the paper).</summary>
    public int Digits { get; init; } = 2;

    /// <summary>Frames per sequence: context plus future (10 + 10 in the paper).</summary>
    public int Frames { get; init; } = 20;

    /// <summary>
    /// Pixels moved per frame. The paper's generator moves 0.1 of the free range per step, and the
    /// free range is 64 - 28 = 36 pixels, hence 3.6.
    /// </summary>
    public float StepPixels { get; init; } = 3.6f;

    /// <summary>Throws with the bad value.</summary>
    public void Validate(int digitSize)
    {
        if (CanvasSize <= digitSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(CanvasSize), $"canvas {CanvasSize} must exceed the digit size {digitSize}");
        }

        if (Digits < 1 || Frames < 1 || !(StepPixels >= 0 && float.IsFinite(StepPixels)))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Digits), $"need >= 1 digit and frame, step >= 0; got {Digits}, {Frames}, {StepPixels}");
        }
    }
}
