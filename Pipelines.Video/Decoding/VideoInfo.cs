namespace Pipelines.Video.Decoding;

/// <summary>What the container says about a video stream, read when the file is opened.</summary>
/// <param name="Path">The file.</param>
/// <param name="Width">Decoded frame width in pixels (after rotation metadata is applied).</param>
/// <param name="Height">Decoded frame height in pixels.</param>
/// <param name="Fps">
/// Average frame rate from the header; 0 when unknown. With a variable frame rate it is only an
/// average: each <see cref="VideoFrame.TimeSeconds"/> comes from the frame's own timestamp.
/// </param>
/// <param name="HeaderFrameCount">
/// Frame count from the container header; it can be wrong by orders of magnitude (0, negative,
/// or far off), so it is never used to size buffers or to decide the end of the stream.
/// </param>
/// <param name="Codec">The stream's four-character code as OpenCV reports it, e.g. "avc1", "MJPG".</param>
public sealed record VideoInfo(string Path, int Width, int Height, double Fps, long HeaderFrameCount, string Codec)
{
    /// <summary>Duration from the header (frames / fps), null when either is unknown. An estimate only.</summary>
    public double? HeaderDurationSeconds => Fps > 0 && HeaderFrameCount > 0 ? HeaderFrameCount / Fps : null;
}
