using OpenCvSharp;
using Rnn.Core.Serialization;

namespace Pipelines.Video.Faces;

/// <summary>
/// Frontal-face detection with OpenCV's Viola-Jones Haar cascade (haarcascade_frontalface_default.xml,
/// shipped by OpenCV and by Debian's opencv-data). Frames larger than <see cref="MaxSide"/> are
/// shrunk for detection (the cascade's cost grows with the pixel count, its accuracy hardly)
/// and the boxes scaled back; the gray image is histogram-equalised first, as OpenCV's samples do.
/// </summary>
public sealed class HaarFaceDetector : IDisposable
{
    /// <summary>The file name of the default cascade.</summary>
    public const string DefaultCascadeName = "haarcascade_frontalface_default.xml";

    /// <summary>Where Debian's opencv-data installs the cascades.</summary>
    public const string DebianCascadeFolder = "/usr/share/opencv4/haarcascades";

    private readonly CascadeClassifier cascade;

    /// <summary>Loads a cascade file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">It is a folder, a named pipe or device, empty, or
    /// OpenCV cannot read it as a cascade.</exception>
    public HaarFaceDetector(string cascadePath)
    {
        if (!File.Exists(cascadePath) && !Directory.Exists(cascadePath))
        {
            throw new FileNotFoundException($"face cascade '{cascadePath}' does not exist", cascadePath);
        }

        if (NotACascadeFile(cascadePath) is { } why)
        {
            throw new InvalidDataException($"face cascade '{cascadePath}' {why}");
        }

        cascade = new CascadeClassifier();
        bool loaded;
        try
        {
            loaded = cascade.Load(cascadePath);
        }
        catch (OpenCVException e)
        {
            cascade.Dispose();
            throw new InvalidDataException($"face cascade '{cascadePath}' is not an OpenCV cascade: {e.Message}", e);
        }

        if (!loaded || cascade.Empty())
        {
            cascade.Dispose();
            throw new InvalidDataException($"face cascade '{cascadePath}' is not an OpenCV cascade file");
        }

        CascadePath = cascadePath;
    }

    /// <summary>
    /// Why <paramref name="path"/>, which exists, cannot be a cascade before OpenCV is asked: "is a
    /// folder", a named pipe or device (OpenCV would wait for ever on a pipe with no writer, and
    /// reads /dev/null as a cascade missing its "buf"), or "is empty". Null for a regular file with
    /// content, which OpenCV then parses.
    /// </summary>
    internal static string? NotACascadeFile(string path)
    {
        if (Directory.Exists(path))
        {
            return "is a folder, not a cascade file";
        }

        if (FileKind.NotRegular(path) is { } kind)
        {
            return "is " + kind;
        }

        try
        {
            return new FileInfo(path).Length == 0 ? "is empty, not an OpenCV cascade file" : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;   // OpenCV's load says what is wrong
        }
    }

    /// <summary>The cascade file in use.</summary>
    public string CascadePath { get; }

    /// <summary>Frames are shrunk so their longer side is at most this before detection.</summary>
    public int MaxSide { get; init; } = 640;

    // The smallest face side looked for, in pixels of the (shrunk) frame.
    private const int MinDetectableSide = 20;

    /// <summary>Window growth per scale step (OpenCV's scaleFactor).</summary>
    public double ScaleFactor { get; init; } = 1.1;

    /// <summary>Overlapping hits a face needs (OpenCV's minNeighbors); higher means fewer false faces.</summary>
    public int MinNeighbors { get; init; } = 5;

    /// <summary>Smallest face side, as a fraction of the (shrunk) frame's shorter side.</summary>
    public double MinFaceFraction { get; init; } = 0.08;

    /// <summary>
    /// Finds the cascade: an explicit path, else the model directory's copy, else Debian's
    /// folder; null when none exists.
    /// </summary>
    public static string? Locate(string? explicitPath, string? modelDirectory)
    {
        if (explicitPath is not null)
        {
            return explicitPath;
        }

        foreach (string? dir in new[] { modelDirectory, DebianCascadeFolder })
        {
            if (dir is not null && File.Exists(Path.Combine(dir, DefaultCascadeName)))
            {
                return Path.Combine(dir, DefaultCascadeName);
            }
        }

        return null;
    }

    /// <summary>The faces in a BGR, BGRA or gray frame, largest first.</summary>
    public IReadOnlyList<FaceBox> Detect(Mat frame)
    {
        using var gray = FaceCrop.ToGray(frame);
        double scale = Math.Min(1.0, MaxSide / (double)Math.Max(gray.Width, gray.Height));
        if (Math.Min(gray.Width, gray.Height) * scale < MinDetectableSide)
        {
            // Thinner than the smallest face looked for (a 4000x1 frame would also scale to zero
            // rows, which OpenCV refuses with "!dsize.empty()"): no face can be in it.
            return Array.Empty<FaceBox>();
        }

        using var small = new Mat();
        if (scale < 1.0)
        {
            Cv2.Resize(gray, small, new Size(0, 0), scale, scale, InterpolationFlags.Area);
        }
        else
        {
            gray.CopyTo(small);
        }

        Cv2.EqualizeHist(small, small);
        int minSide = Math.Max(MinDetectableSide, (int)(Math.Min(small.Width, small.Height) * MinFaceFraction));
        var found = cascade.DetectMultiScale(small, ScaleFactor, MinNeighbors, HaarDetectionTypes.ScaleImage,
            new Size(minSide, minSide));
        return found
            .Select(r => new FaceBox(
                (int)(r.X / scale), (int)(r.Y / scale), (int)(r.Width / scale), (int)(r.Height / scale)))
            .OrderByDescending(b => b.Area)
            .ToList();
    }

    public void Dispose() => cascade.Dispose();
}
