using OpenCvSharp;

namespace Pipelines.Video.Faces;

/// <summary>
/// Crops a detected face upright: when an eye cascade (OpenCV's haarcascade_eye.xml) finds one
/// eye in each upper quarter of the box, the crop is rotated about the box centre so the eyes
/// are level, as FER-2013's registered faces are; otherwise (no cascade, eyes closed or hidden,
/// an implausible tilt) the crop is the plain square of <see cref="FaceCrop"/>.
/// </summary>
public sealed class FaceAligner : IDisposable
{
    /// <summary>The file name of the eye cascade.</summary>
    public const string EyeCascadeName = "haarcascade_eye.xml";

    // Heads tilted further than this are rare; a larger angle is usually a false eye.
    private const double MaxTiltDegrees = 25;

    private readonly CascadeClassifier? eyes;

    /// <summary>Creates an aligner; with a null path faces are cropped without rotation.</summary>
    /// <exception cref="InvalidDataException">The eye cascade exists but OpenCV cannot read it.</exception>
    public FaceAligner(string? eyeCascadePath)
    {
        if (eyeCascadePath is null)
        {
            return;
        }

        if (HaarFaceDetector.NotACascadeFile(eyeCascadePath) is { } why)
        {
            throw new InvalidDataException($"eye cascade '{eyeCascadePath}' {why}");
        }

        eyes = new CascadeClassifier();
        if (!eyes.Load(eyeCascadePath) || eyes.Empty())
        {
            eyes.Dispose();
            throw new InvalidDataException($"eye cascade '{eyeCascadePath}' is not an OpenCV cascade file");
        }
    }

    /// <summary>Whether eye alignment is on.</summary>
    public bool AlignsEyes => eyes is not null;

    /// <summary>The eye cascade next to the face cascade or in the model directory, or null.</summary>
    public static string? Locate(string? faceCascadePath, string? modelDirectory)
    {
        var dirs = new[]
        {
            modelDirectory, Path.GetDirectoryName(faceCascadePath), HaarFaceDetector.DebianCascadeFolder,
        };
        return dirs.Where(d => d is not null).Select(d => Path.Combine(d!, EyeCascadeName)).FirstOrDefault(File.Exists);
    }

    /// <summary>The face as side x side gray bytes, eye-levelled when possible.</summary>
    /// <param name="frame">BGR, BGRA or gray frame.</param>
    /// <param name="box">The detection.</param>
    /// <param name="side">Output side.</param>
    /// <param name="degrees">The rotation applied (0 when none).</param>
    public byte[] Cut(Mat frame, FaceBox box, int side, out double degrees)
    {
        using var gray = FaceCrop.ToGray(frame);
        degrees = eyes is null ? 0 : EyeTilt(gray, box) ?? 0;
        return Cut(gray, box, side, degrees);
    }

    /// <summary>The face rotated by <paramref name="degrees"/> (counter-clockwise) about the box centre.</summary>
    public static byte[] Cut(Mat gray, FaceBox box, int side, double degrees)
    {
        if (degrees == 0)
        {
            return FaceCrop.Cut(gray, box.ToRect(), side);
        }

        // Rotate the whole frame about the box centre (border replicated), then cut as usual.
        var centre = new Point2f(box.X + box.Width / 2f, box.Y + box.Height / 2f);
        using var m = Cv2.GetRotationMatrix2D(centre, degrees, 1.0);
        using var rotated = new Mat();
        Cv2.WarpAffine(gray, rotated, m, gray.Size(), InterpolationFlags.Linear, BorderTypes.Replicate);
        return FaceCrop.Cut(rotated, box.ToRect(), side);
    }

    /// <summary>
    /// The angle (degrees, OpenCV's counter-clockwise convention) that levels two eye centres
    /// given in frame pixels; positive when the right-hand eye sits lower in the image.
    /// </summary>
    public static double LevellingAngle(Point2d leftEye, Point2d rightEye) =>
        Math.Atan2(rightEye.Y - leftEye.Y, rightEye.X - leftEye.X) * 180 / Math.PI;

    private double? EyeTilt(Mat gray, FaceBox box)
    {
        var face = new Rect(box.X, box.Y, box.Width, box.Height / 2) & new Rect(0, 0, gray.Width, gray.Height);
        if (face.Width < 20 || face.Height < 10)
        {
            return null;
        }

        using var upper = new Mat(gray, face);
        int min = Math.Max(5, face.Width / 8);
        var found = eyes!.DetectMultiScale(upper, 1.1, 4, HaarDetectionTypes.ScaleImage, new Size(min, min),
            new Size(face.Width / 2, face.Height));
        var centres = found
            .Select(r => new Point2d(face.X + r.X + r.Width / 2.0, face.Y + r.Y + r.Height / 2.0)).ToList();
        double mid = box.X + box.Width / 2.0;
        var left = centres.Where(c => c.X < mid).OrderBy(c => Math.Abs(c.X - mid)).Cast<Point2d?>().FirstOrDefault();
        var right = centres.Where(c => c.X >= mid).OrderBy(c => Math.Abs(c.X - mid)).Cast<Point2d?>().FirstOrDefault();
        if (left is null || right is null)
        {
            return null;
        }

        double angle = LevellingAngle(left.Value, right.Value);
        return Math.Abs(angle) <= MaxTiltDegrees ? angle : null;
    }

    public void Dispose() => eyes?.Dispose();
}
