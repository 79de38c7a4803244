namespace Pipelines.Video.Decoding;

/// <summary>
/// Which frames a <see cref="VideoFrameReader"/> delivers and in what form: sampling (every
/// <see cref="Stride"/>-th frame, or <see cref="Fps"/> frames per second by timestamp), a start
/// time, a frame limit, resizing and colour.
/// </summary>
/// <example>
/// <code>
/// var options = new VideoReadOptions { Color = FrameColor.Gray, Width = 64, Height = 64, Fps = 10 };
/// </code>
/// </example>
public sealed record VideoReadOptions
{
    /// <summary>Pixel layout of the delivered frames; RGB by default.</summary>
    public FrameColor Color { get; init; } = FrameColor.Rgb;

    /// <summary>Output width in pixels; null keeps the decoded width (both or neither must be set).</summary>
    public int? Width { get; init; }

    /// <summary>Output height in pixels; null keeps the decoded height.</summary>
    public int? Height { get; init; }

    /// <summary>How frames are fitted to <see cref="Width"/> x <see cref="Height"/>.</summary>
    public ResizeMode Resize { get; init; } = ResizeMode.Stretch;

    /// <summary>Deliver every n-th decoded frame (1 = all). Exclusive with <see cref="Fps"/>.</summary>
    public int Stride { get; init; } = 1;

    /// <summary>
    /// Deliver frames at this rate, chosen by each frame's own timestamp (so variable frame rate
    /// clips are sampled evenly in time); null keeps every frame. A rate above the clip's never
    /// repeats frames. Exclusive with a <see cref="Stride"/> above 1.
    /// </summary>
    public double? Fps { get; init; }

    /// <summary>Skip frames whose timestamp is before this many seconds.</summary>
    public double StartSeconds { get; init; }

    /// <summary>Stop after delivering this many frames; null reads to the end.</summary>
    public int? MaxFrames { get; init; }

    /// <summary>
    /// Called once for each recoverable problem; also kept in <see cref="VideoFrameReader.Warnings"/>.
    /// </summary>
    public Action<string>? OnWarning { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public void Validate()
    {
        if (Width.HasValue != Height.HasValue)
        {
            throw new ArgumentException($"set both Width and Height or neither; got {Width}x{Height}");
        }

        if (Width is <= 0 or > 16384 || Height is <= 0 or > 16384)
        {
            throw new ArgumentOutOfRangeException(nameof(Width), $"frame size must be 1..16384; got {Width}x{Height}");
        }

        if (Stride < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Stride), $"stride must be >= 1; got {Stride}");
        }

        if (Fps is { } fps && !(fps > 0 && double.IsFinite(fps)))
        {
            throw new ArgumentOutOfRangeException(nameof(Fps), $"fps must be a positive number; got {fps}");
        }

        if (Fps.HasValue && Stride > 1)
        {
            throw new ArgumentException($"choose a stride or an fps, not both; got stride {Stride} and fps {Fps}");
        }

        if (!(StartSeconds >= 0 && double.IsFinite(StartSeconds)))
        {
            throw new ArgumentOutOfRangeException(nameof(StartSeconds), $"start must be >= 0 s; got {StartSeconds}");
        }

        if (MaxFrames is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFrames), $"max frames must be >= 0; got {MaxFrames}");
        }
    }
}
