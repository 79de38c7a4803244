namespace Pipelines.Video.Decoding;

/// <summary>The pixel layout a <see cref="VideoFrameReader"/> delivers.</summary>
public enum FrameColor
{
    /// <summary>One channel, luma as OpenCV computes it (0.299 R + 0.587 G + 0.114 B).</summary>
    Gray,

    /// <summary>Three channels in R, G, B order (OpenCV decodes B, G, R; the reader swaps them).</summary>
    Rgb,
}
