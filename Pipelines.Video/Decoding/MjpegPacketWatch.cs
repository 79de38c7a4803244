using OpenCvSharp;

namespace Pipelines.Video.Decoding;

/// <summary>
/// Follows an MJPEG stream's raw packets next to the decoding capture (a second capture in
/// OpenCV's raw mode, CAP_PROP_FORMAT = -1, which demuxes without decoding) so that frames
/// whose chroma subsampling differs from the first frame's can be decoded by libjpeg
/// (<c>Cv2.ImDecode</c>) instead: FFmpeg keeps the first frame's pixel format and decodes such
/// frames with wrong colours, silently.
/// </summary>
internal sealed class MjpegPacketWatch : IDisposable
{
    private readonly VideoCapture raw;
    private readonly Mat packet = new();
    private string? first;
    private bool ended;

    private MjpegPacketWatch(VideoCapture raw) => this.raw = raw;

    /// <summary>The sampling of the first frame, e.g. "2x2,1x1,1x1" (4:2:0).</summary>
    public string? FirstSampling => first;

    /// <summary>A watch for MJPEG streams, or null for other codecs or when raw mode is not available.</summary>
    public static MjpegPacketWatch? TryOpen(string path, string codec)
    {
        if (!string.Equals(codec, "MJPG", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var capture = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        if (!capture.IsOpened() || !capture.Set(VideoCaptureProperties.Format, -1))
        {
            capture.Dispose();
            return null;
        }

        return new MjpegPacketWatch(capture);
    }

    /// <summary>
    /// Advances to the next packet (call once per frame the decoding capture grabs) and returns
    /// it with its sampling when that differs from the first frame's; null otherwise.
    /// </summary>
    public (byte[] Jpeg, string Sampling)? Next()
    {
        if (ended || !raw.Grab() || !raw.Retrieve(packet) || packet.Empty())
        {
            ended = true;
            return null;
        }

        byte[] bytes = new byte[packet.Total() * packet.ElemSize()];
        System.Runtime.InteropServices.Marshal.Copy(packet.Data, bytes, 0, bytes.Length);
        string? sampling = JpegSampling.Read(bytes);
        first ??= sampling;
        return sampling is not null && sampling != first ? (bytes, sampling) : null;
    }

    public void Dispose()
    {
        packet.Dispose();
        raw.Dispose();
    }
}
