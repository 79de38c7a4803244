using System.Globalization;
using OpenCvSharp;
using Rnn.Core.Serialization;

namespace Pipelines.Video.Decoding;

/// <summary>
/// Streams the frames of a video file through OpenCV's FFmpeg backend (any container and codec
/// that build reads: MP4/H.264, AVI/MJPG, MKV, WebM, ...), sampled, resized and converted as
/// <see cref="VideoReadOptions"/> says. Frames are decoded one at a time and handed out as
/// managed <see cref="VideoFrame"/>s; the reader reuses its native buffers, so memory stays flat
/// however long the clip is. Dispose the reader (it owns the native decoder).
/// </summary>
/// <remarks>
/// The end of the stream is wherever decoding stops, never the header's frame count (which can be
/// wrong). Timestamps come from each frame (variable frame rate safe). Rotation metadata is
/// applied by the pinned OpenCV 4.13 runtime, so frames arrive upright. FFmpeg decodes MJPEG
/// frames whose chroma subsampling differs from the first frame's with wrong colours; the reader
/// watches the raw packets of MJPEG streams, decodes such frames with libjpeg instead and warns.
/// </remarks>
/// <example>
/// <code>
/// var options = new VideoReadOptions { Color = FrameColor.Gray, Width = 64, Height = 64, Stride = 2 };
/// using var reader = VideoFrameReader.Open("clip.mp4", options);
/// foreach (var frame in reader.ReadFrames())
/// {
///     float[] planar = frame.ToPlanar();   // [1, 64, 64] in [0, 1]
/// }
/// </code>
/// </example>
public sealed class VideoFrameReader : IDisposable
{
    private readonly VideoCapture capture;
    private readonly VideoReadOptions options;
    private readonly List<string> warnings = new();
    private bool started;
    private bool mjpegWarned;
    private bool disposed;

    private VideoFrameReader(VideoCapture capture, VideoInfo info, VideoReadOptions options)
    {
        this.capture = capture;
        this.options = options;
        Info = info;
    }

    /// <summary>What the container header says about the stream.</summary>
    public VideoInfo Info { get; }

    /// <summary>Recoverable problems met so far (e.g. decoding stopped before the header's frame count).</summary>
    public IReadOnlyList<string> Warnings => warnings;

    /// <summary>
    /// Why the file looks cut short, set when decoding ended before the frames asked for and either
    /// stopped well before the header's frame count or the container's own sizes run past the end of
    /// the file, e.g. "decoding stopped after 14 frames (at 1.3 s) though the header announces 30;
    /// the file ends at byte 2190 but its 'mdat' box runs to byte 2434". Null otherwise. The
    /// frames before the cut are still delivered (with a warning); callers that need the whole
    /// file refuse it with this reason.
    /// </summary>
    public string? Truncation { get; private set; }

    /// <summary>Frames decoded from the file so far, delivered or not.</summary>
    public int DecodedFrames { get; private set; }

    /// <summary>Timestamp of the last decoded frame in seconds, or -1 before the first.</summary>
    public double LastTimeSeconds { get; private set; } = -1;

    /// <summary>
    /// Opens a video file. Throws <see cref="VideoFormatException"/> (one line: the file and the
    /// reason) when the file is missing, empty, or has no video stream OpenCV can open.
    /// </summary>
    /// <param name="path">The video file.</param>
    /// <param name="options">Sampling, size and colour; null for every frame as RGB at its own size.</param>
    public static VideoFrameReader Open(string path, VideoReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new VideoReadOptions();
        options.Validate();
        CheckFile(path);
        OpenCvRuntime.EnsureLoaded();

        var capture = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        if (!capture.IsOpened())
        {
            capture.Dispose();
            throw new VideoFormatException(path, ContainerSniffer.CannotOpenReason(path));
        }

        var info = new VideoInfo(path, capture.FrameWidth, capture.FrameHeight, Finite(capture.Fps),
            (long)Finite(capture.FrameCount), FourCcText(capture.FourCC));
        return new VideoFrameReader(capture, info, options);
    }

    /// <summary>Opens the file, streams its frames and closes it when the enumeration ends.</summary>
    /// <param name="path">The video file.</param>
    /// <param name="options">Sampling, size and colour.</param>
    public static IEnumerable<VideoFrame> Read(string path, VideoReadOptions? options = null)
    {
        using var reader = Open(path, options);
        foreach (var frame in reader.ReadFrames())
        {
            yield return frame;
        }
    }

    /// <summary>
    /// The delivered frames, decoded lazily as the enumeration advances; may be enumerated once.
    /// Throws <see cref="VideoFormatException"/> when the file yields no frame at all (zero-frame,
    /// corrupt, an unknown codec) or none at or after <see cref="VideoReadOptions.StartSeconds"/>.
    /// </summary>
    public IEnumerable<VideoFrame> ReadFrames()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (started)
        {
            throw new InvalidOperationException($"the frames of '{Info.Path}' can be read once; open it again");
        }

        started = true;
        return Stream();
    }

    /// <summary>Frees the native decoder.</summary>
    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            capture.Dispose();
        }
    }

    private IEnumerable<VideoFrame> Stream()
    {
        var sampler = new FrameSampler(options);
        using var decoded = new Mat();
        using var converter = new FrameConverter(options);
        using var mjpeg = MjpegPacketWatch.TryOpen(Info.Path, Info.Codec);
        bool ended = false;
        while (!sampler.Done)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!capture.Grab())
            {
                ended = true;
                break;
            }

            var odd = mjpeg?.Next();
            double time = NextTimestamp();
            int source = DecodedFrames++;
            if (!sampler.Take(time))
            {
                continue;   // dropped frames are never retrieved: no colour conversion, no copy
            }

            if (!capture.Retrieve(decoded) || decoded.Empty())
            {
                Warn($"frame {source} at {time:0.###} s could not be retrieved; stopping there");
                ended = true;
                break;
            }

            if (odd is { } packet)
            {
                Redecode(decoded, packet.Jpeg, packet.Sampling, mjpeg!.FirstSampling, source);
            }

            var (width, height, pixels) = converter.Convert(decoded);
            yield return new VideoFrame(sampler.Delivered - 1, source, time, width, height, options.Color, pixels);
        }

        CheckOutcome(sampler.Delivered, ended);
    }

    // A frame whose chroma subsampling differs from the stream's first: FFmpeg's colours are
    // wrong there, so libjpeg decodes the packet instead (said once, as a warning).
    private void Redecode(Mat decoded, byte[] jpeg, string sampling, string? first, int source)
    {
        using var fixedFrame = Cv2.ImDecode(jpeg, ImreadModes.Color);
        bool ok = !fixedFrame.Empty();
        if (ok)
        {
            fixedFrame.CopyTo(decoded);
        }

        if (!mjpegWarned)
        {
            mjpegWarned = true;
            Warn(ok
                ? $"MJPEG chroma subsampling changes at frame {source} ({first} -> {sampling}); FFmpeg would " +
                  "decode such frames with wrong colours, so they are decoded with libjpeg instead"
                : $"MJPEG chroma subsampling changes at frame {source} ({first} -> {sampling}) and libjpeg " +
                  "cannot decode the frame either: its colours may be wrong");
        }
    }

    private double NextTimestamp()
    {
        // CAP_PROP_POS_MSEC after Grab is the grabbed frame's presentation time. Some streams give
        // none (NaN, negative) or repeat it; then step on from the last one by the average rate.
        double ms = capture.PosMsec;
        double step = Info.Fps > 0 ? 1.0 / Info.Fps : 1.0 / 25.0;
        double time = double.IsFinite(ms) && ms >= 0 ? ms / 1000.0 : double.NaN;
        if (double.IsNaN(time) || (LastTimeSeconds >= 0 && time <= LastTimeSeconds))
        {
            time = LastTimeSeconds < 0 ? 0 : LastTimeSeconds + step;
        }

        LastTimeSeconds = time;
        return time;
    }

    private void CheckOutcome(int delivered, bool ended)
    {
        // OpenCV's grab fails where a cut-off file ends just as at a normal end, so the evidence is
        // the header's frame count and the container's own sizes (see ContainerExtent).
        string? cut = ended ? ContainerExtent.Shortfall(Info.Path) : null;
        if (DecodedFrames == 0)
        {
            throw new VideoFormatException(Info.Path, cut is not null
                ? $"no decodable video frames: the file appears truncated ({cut}; codec '{Info.Codec}', " +
                  $"header announces {Info.HeaderFrameCount} frames)"
                : $"no decodable video frames (codec '{Info.Codec}', {Info.Width}x{Info.Height}, " +
                  $"header announces {Info.HeaderFrameCount} frames): empty, corrupt, or a codec this build lacks");
        }

        if (delivered == 0 && options.StartSeconds > 0)
        {
            throw new VideoFormatException(Info.Path,
                $"no frames at or after {options.StartSeconds:0.###} s: the clip ends at " +
                $"{LastTimeSeconds:0.###} s ({DecodedFrames} frames)");
        }

        bool shortOfHeader = ended && ShortOfHeader(DecodedFrames, LastTimeSeconds, Info);
        if (shortOfHeader || cut is not null)
        {
            string stopped = string.Create(CultureInfo.InvariantCulture,
                $"decoding stopped after {DecodedFrames} frames (at {LastTimeSeconds:0.###} s)");
            string header = shortOfHeader ? $" though the header announces {Info.HeaderFrameCount}" : "";
            Truncation = stopped + header + (cut is null ? "" : "; " + cut);
            Warn($"the file appears truncated or corrupt: {Truncation}");
        }
    }

    /// <summary>
    /// Whether decoding that ended after <paramref name="decoded"/> frames, the last at
    /// <paramref name="lastSeconds"/>, fell well short of the header. Headers are often a little
    /// off, so only a large shortfall counts, and only one in time as well as in frames: a
    /// variable-rate clip in AVI announces a slot for every tick of its fastest rate (166 slots at
    /// 30 fps for 22 frames over 5.5 s), and its frames still reach the end of those slots.
    /// </summary>
    internal static bool ShortOfHeader(int decoded, double lastSeconds, VideoInfo info)
    {
        if (info.HeaderFrameCount <= 0 || decoded >= 0.9 * info.HeaderFrameCount - 1)
        {
            return false;
        }

        return info.HeaderDurationSeconds is not { } duration || lastSeconds < 0.9 * duration - 1 / info.Fps;
    }

    private void Warn(string message)
    {
        string line = $"'{Info.Path}': {message}";
        warnings.Add(line);
        options.OnWarning?.Invoke(line);
    }

    private static void CheckFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new VideoFormatException(path, "is a folder, not a video file");
        }

        if (!File.Exists(path))
        {
            throw new VideoFormatException(path, FileKind.PathTooLong(path) ?? "file not found");
        }

        // Before the size: an unreadable file is that first, and /proc-like files report size 0.
        if (ReadableFile.Problem(path) is { } problem)
        {
            throw new VideoFormatException(path, problem);
        }

        if (new FileInfo(path).Length == 0)
        {
            throw new VideoFormatException(path, "file is empty (0 bytes)");
        }
    }

    private static double Finite(double value) => double.IsFinite(value) ? value : 0;

    private static string FourCcText(string? code)
    {
        // OpenCvSharp spells the code from its four bytes; codecs without one come back as NULs.
        string text = new string((code ?? "").Where(c => c is >= ' ' and < (char)127).ToArray()).Trim();
        return text.Length == 0 ? "none" : text;
    }
}
