using OpenCvSharp;
using Pipelines.Video.Decoding;
using Rnn.Core.Serialization;

namespace Pipelines.Video.Emotion;

/// <summary>
/// The inputs of <c>video emotion</c> as frames: a still image (any format OpenCV decodes) is a
/// one-frame clip at time 0; anything else goes through <see cref="VideoFrameReader"/>, sampled
/// at a fixed rate by timestamp. Bad input raises <see cref="VideoFormatException"/> (one line:
/// the file and the reason).
/// </summary>
public static class EmotionMedia
{
    /// <summary>Extensions read as still images.</summary>
    public static IReadOnlyList<string> ImageExtensions { get; } =
        [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".pgm", ".ppm"];

    /// <summary>Extensions taken from folders as videos.</summary>
    public static IReadOnlyList<string> VideoExtensions { get; } =
        [".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".flv", ".3gp"];

    /// <summary>Whether the path is read as a still image (by extension).</summary>
    public static bool IsImage(string path) => ImageExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>
    /// The frames of a file (each Mat is disposed when the enumeration moves on). A video that
    /// turns out to be cut short (<see cref="VideoFrameReader.Truncation"/>) raises
    /// <see cref="VideoFormatException"/> after its last frame: a label from part of a file must not
    /// pass for the label of the whole.
    /// </summary>
    /// <param name="path">An image or a video.</param>
    /// <param name="fps">Video sampling rate (by timestamp); null for every frame.</param>
    /// <param name="onWarning">Receives the reader's recoverable problems (one line each) after the last frame.</param>
    /// <param name="progress">Receives the share of a video read so far (by the header's duration; none
    /// when the header gives none).</param>
    public static IEnumerable<EmotionFrame> Frames(
        string path, double? fps, Action<string>? onWarning = null, IProgress<double>? progress = null)
    {
        if (IsImage(path))
        {
            using var image = ReadImage(path);
            yield return new EmotionFrame(0, 0, image);
            yield break;
        }

        using var reader = VideoFrameReader.Open(path, new VideoReadOptions { Color = FrameColor.Rgb, Fps = fps });
        double? duration = reader.Info.HeaderDurationSeconds;   // an estimate from the header, or none
        foreach (var frame in reader.ReadFrames())
        {
            if (duration is > 0 and var seconds)
            {
                progress?.Report(Math.Min(1, frame.TimeSeconds / seconds));
            }

            using var bgr = frame.ToBgrMat();
            yield return new EmotionFrame(frame.Index, frame.TimeSeconds, bgr);
        }

        if (reader.Truncation is { } cut)
        {
            throw new VideoFormatException(path, $"the file appears truncated or corrupt: {cut}; " +
                "re-download it or re-mux the part that is there (ffmpeg -i IN -c copy OUT) to analyse it");
        }

        // Said after the frames (not as they happen), so a refused file gets its error line alone.
        foreach (string warning in reader.Warnings)
        {
            onWarning?.Invoke(warning);
        }
    }

    /// <summary>An image as BGR, EXIF orientation applied (OpenCV's default); clear errors for bad files.</summary>
    public static Mat ReadImage(string path)
    {
        if (!File.Exists(path))
        {
            string what = Directory.Exists(path) ? "is a folder, not an image" : "does not exist";
            throw new VideoFormatException(path, what);
        }

        if (ReadableFile.Problem(path) is { } problem)
        {
            throw new VideoFormatException(path, problem);
        }

        if (new FileInfo(path).Length == 0)
        {
            throw new VideoFormatException(path, "file is empty (0 bytes)");
        }

        if (TruncatedJpeg(path) is { } reason)
        {
            throw new VideoFormatException(path, reason);
        }

        Mat image;
        try
        {
            image = Cv2.ImRead(path, ImreadModes.Color);
        }
        catch (OpenCVException e)
        {
            throw new VideoFormatException(path, DecodeFailure(e));
        }

        if (image.Empty())
        {
            image.Dispose();
            throw new VideoFormatException(
                path, "not an image OpenCV can decode (truncated, corrupt or another format)");
        }

        return image;
    }

    /// <summary>
    /// A decoder's exception in a user's words. OpenCV's own text is a failed assertion
    /// ("pixels &lt;= CV_IO_MAX_IMAGE_PIXELS", the width and height alike) that names no cause a
    /// user could act on; whether imread throws it or returns an empty image depends on how the
    /// native library was built.
    /// </summary>
    internal static string DecodeFailure(OpenCVException e) =>
        e.ErrMsg?.Contains("CV_IO_MAX_IMAGE_", StringComparison.Ordinal) == true ||
        e.FuncName?.Contains("validateInputImageSize", StringComparison.Ordinal) == true
            ? "image declares more pixels than OpenCV decodes (2^30, or 2^20 a side)"
            : "not an image OpenCV can decode (truncated, corrupt or another format)";

    /// <summary>
    /// Why an image file must not be decoded, or null: a JPEG without its end-of-image marker
    /// (OpenCV decodes it with the missing rows grey and only prints "Premature end of JPEG file"),
    /// or a file that cannot be opened. Shared with <see cref="FerDataset"/>.
    /// </summary>
    internal static string? TruncatedJpeg(string path)
    {
        if (FileKind.NotRegular(path) is { } kind)
        {
            return kind;   // opening a named pipe would wait for ever
        }

        try
        {
            return Pipelines.Captioning.Images.JpegMarkers.IsTruncatedJpegFile(path)
                ? Pipelines.Captioning.Images.JpegMarkers.TruncatedReason
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ReadableFile.Reason(e);
        }
    }

    /// <summary>
    /// Writes the input with the result drawn on it: <paramref name="target"/> is a video (mp4v,
    /// at the analysis rate) for a video input, or an image for a still. The file appears whole
    /// or not at all (temp file + rename).
    /// </summary>
    /// <returns>
    /// Width, height and frame count read back from what was written, and whether the video was
    /// scaled down because the encoder refused the input's size (FFmpeg's MPEG-4 encoder takes at
    /// most 8191 pixels a side, so an 8192x4320 video comes out 4096x2160).
    /// </returns>
    public static (int Width, int Height, int Frames, bool ScaledDown) WriteAnnotated(
        string input, string target, EmotionClipResult result, IReadOnlyList<string> labels, double? fps)
    {
        var annotator = new EmotionAnnotator(result, labels);
        AtomicFile.ThrowIfNameTooLong(target);
        // OpenCV picks the encoder by the extension, so the temporary name ends with the target's.
        string temp = AtomicFile.TempPath(target, ".tmp" + Path.GetExtension(target));
        try
        {
            var written = IsImage(input)
                ? WriteImage(input, temp, annotator)
                : WriteVideo(input, temp, annotator, fps);
            File.Move(temp, target, overwrite: true);
            return written;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static (int, int, int, bool) WriteImage(string input, string temp, EmotionAnnotator annotator)
    {
        using var image = ReadImage(input);
        annotator.Draw(image, 0);
        if (!Cv2.ImWrite(temp, image))
        {
            throw new IOException($"'{temp}': OpenCV could not write the annotated image");
        }

        return (image.Width, image.Height, 1, false);
    }

    // The longest side an annotated video is scaled down to when the encoder refuses its size.
    private const int ScaledSide = 4096;

    private static (int, int, int, bool) WriteVideo(string input, string temp, EmotionAnnotator annotator,
        double? fps)
    {
        VideoWriter? writer = null;
        Size size = default;
        bool scaled = false;
        try
        {
            using var reader = VideoFrameReader.Open(input, new VideoReadOptions { Color = FrameColor.Rgb, Fps = fps });
            double rate = fps ?? (reader.Info.Fps > 0 ? reader.Info.Fps : 25);
            foreach (var frame in reader.ReadFrames())
            {
                using var bgr = frame.ToBgrMat();
                if (writer is null)
                {
                    // mp4v wants even sizes; an odd last row or column is dropped rather than
                    // letting the encoder pick a size of its own. A frame 1 pixel wide or high
                    // (0 after that) is stretched to 2 instead.
                    size = new Size(Math.Max(2, bgr.Width & ~1), Math.Max(2, bgr.Height & ~1));
                    writer = OpenMp4v(temp, rate, size);
                    if (writer is null && Math.Max(size.Width, size.Height) > ScaledSide)
                    {
                        // Too large for the encoder: the whole picture, smaller, rather than none.
                        double factor = (double)ScaledSide / Math.Max(size.Width, size.Height);
                        size = new Size(Math.Max(2, (int)(size.Width * factor) & ~1),
                            Math.Max(2, (int)(size.Height * factor) & ~1));
                        writer = OpenMp4v(temp, rate, size);
                        scaled = true;
                    }

                    if (writer is null)
                    {
                        // The caller's error line names the input; the temporary file is no one's business.
                        throw new IOException(
                            $"OpenCV could not open an mp4v writer for {size.Width}x{size.Height}");
                    }
                }

                annotator.Draw(bgr, frame.Index);
                if (scaled)
                {
                    using var smaller = new Mat();
                    Cv2.Resize(bgr, smaller, size, 0, 0, InterpolationFlags.Area);
                    writer.Write(smaller);
                }
                else if (bgr.Width >= size.Width && bgr.Height >= size.Height)
                {
                    using var even = new Mat(bgr, new Rect(0, 0, size.Width, size.Height));
                    writer.Write(even);
                }
                else
                {
                    using var stretched = new Mat();
                    Cv2.Resize(bgr, stretched, size, 0, 0, InterpolationFlags.Nearest);
                    writer.Write(stretched);
                }
            }
        }
        finally
        {
            writer?.Dispose();
        }

        var (width, height, frames) = ReadBack(temp);
        return (width, height, frames, scaled);
    }

    // An mp4v writer for temp, or null where the encoder will not take that size.
    private static VideoWriter? OpenMp4v(string temp, double rate, Size size)
    {
        // Lower-case 'mp4v' is the tag FFmpeg's MP4 muxer takes without a warning.
        var writer = new VideoWriter(temp, FourCC.FromString("mp4v"), rate, size, isColor: true);
        if (writer.IsOpened())
        {
            return writer;
        }

        writer.Dispose();
        return null;
    }

    // VideoWriter can silently write another size than asked: report what the file holds.
    private static (int, int, int) ReadBack(string path)
    {
        using var capture = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        if (!capture.IsOpened())
        {
            throw new IOException($"'{path}': the annotated video just written cannot be read back");
        }

        int count = 0;
        using var frame = new Mat();
        while (capture.Read(frame) && !frame.Empty())
        {
            count++;
        }

        return (capture.FrameWidth, capture.FrameHeight, count);
    }
}
