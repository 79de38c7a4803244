using OpenCvSharp;

namespace Pipelines.Video.Tests.Emotion;

/// <summary>
/// Shared data for the emotion tests: real FER-2013 faces and OpenCV's face cascade from
/// shared/data (next to the repository as CI lays it out, or /work/shared/data). Tests that need
/// them are inconclusive where they are missing; nothing from there is committed.
/// </summary>
internal static class EmotionTestData
{
    public static string SharedData
    {
        get
        {
            var start = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            for (var dir = start; dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "data");
                if (Directory.Exists(Path.Combine(candidate, "fer2013")))
                {
                    return candidate;
                }
            }

            return Directory.Exists("/work/shared/data/fer2013")
                ? "/work/shared/data"
                : throw new InconclusiveException("shared/data/fer2013 not found");
        }
    }

    public static string FaceCascade
    {
        get
        {
            string path = Path.Combine(SharedData, "cascades", "haarcascade_frontalface_default.xml");
            return File.Exists(path) ? path : throw new InconclusiveException($"{path} not found");
        }
    }

    /// <summary>The first <paramref name="count"/> test faces (sorted by name) of a class.</summary>
    public static string[] TestFaces(string emotion, int count) =>
        Directory.GetFiles(Path.Combine(SharedData, "fer2013", "test", emotion)).Order(StringComparer.Ordinal)
            .Take(count).ToArray();

    /// <summary>
    /// A gray canvas with a real face pasted at <paramref name="where"/> (scaled to its size), the
    /// way a face sits in a video frame; returns a BGR frame the caller disposes.
    /// </summary>
    public static Mat FrameWithFace(
        string facePath, Rect where, int width = 480, int height = 360, byte background = 90)
    {
        using var face = Cv2.ImRead(facePath, ImreadModes.Grayscale);
        using var gray = new Mat(height, width, MatType.CV_8UC1, new Scalar(background));
        using var scaled = new Mat();
        Cv2.Resize(face, scaled, where.Size, 0, 0, InterpolationFlags.Cubic);
        using (var roi = new Mat(gray, where))
        {
            scaled.CopyTo(roi);
        }

        var bgr = new Mat();
        Cv2.CvtColor(gray, bgr, ColorConversionCodes.GRAY2BGR);
        return bgr;
    }
}
