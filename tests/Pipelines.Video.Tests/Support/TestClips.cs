using OpenCvSharp;
using Pipelines.Video.Decoding;

namespace Pipelines.Video.Tests.Support;

/// <summary>Fixture paths and clips written on the fly with OpenCV's VideoWriter.</summary>
internal static class TestClips
{
    /// <summary>30 frames, 10 fps, H.264 in MP4: a white 16x16 square at x = 2n+2, y = 16 on black
    /// (ffmpeg's overlay counts frames from 1), cut at the right edge.</summary>
    public static string H264Square => Fixture("h264-square-64x48.mp4");

    /// <summary>A 440 Hz AAC tone in an MP4 container, no video stream.</summary>
    public static string AudioOnly => Fixture("audio-only.mp4");

    /// <summary>64x32 H.264 with a display matrix rotating it by 90 degrees; white 8x8 box at the top left.</summary>
    public static string Rotated90 => Fixture("rotated-90.mp4");

    /// <summary>20 gray frames in MKV at 0, 0.1, ..., 0.9 s, then every 0.05 s from 1.0 to 1.45 s.</summary>
    public static string VariableRate => Fixture("vfr-32x32.mkv");

    /// <summary>
    /// MJPEG in AVI, 32x32, variable rate: ffmpeg's testsrc at 30 fps for its first 0.34 s, then one
    /// frame in 15 to 6 s (select filter, -fps_mode vfr, then -c:v mjpeg -fps_mode passthrough):
    /// 22 frames in 166 header slots of 1/30 s.
    /// </summary>
    public static string MjpegVariableRate => Fixture("mjpeg-vfr-32x32.avi");

    /// <summary>
    /// MJPEG in AVI, 32x24: ffmpeg's testsrc frames 0-4 coded 4:2:2, then the same five frames coded
    /// 4:2:0 (two clips joined with the concat demuxer, stream copy).
    /// </summary>
    public static string MjpegSubsamplingChange => Fixture("mjpeg-422-then-420.avi");

    /// <summary>The 4:2:0 half of <see cref="MjpegSubsamplingChange"/> alone.</summary>
    public static string Mjpeg420 => Fixture("mjpeg-420.avi");

    public static string Fixture(string name) =>
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", name);

    /// <summary>A fresh empty folder under the system temp folder.</summary>
    public static string TempFolder()
    {
        string dir = Path.Combine(Path.GetTempPath(), "video-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// Writes <paramref name="frames"/> frames of size width x height; frame n is filled with
    /// BGR colour (b, g, r) = (10 n, 100, 200) and has a white 4x4 square at x = n (wrapping).
    /// </summary>
    public static string Write(string path, string fourcc, int frames, int width, int height, double fps = 10)
    {
        OpenCvRuntime.EnsureLoaded();
        using var writer = new VideoWriter(path, FourCC.FromString(fourcc), fps, new Size(width, height), true);
        Assert.That(writer.IsOpened(), Is.True, $"VideoWriter could not open {fourcc} for {path}");
        for (int n = 0; n < frames; n++)
        {
            using var frame = new Mat(height, width, MatType.CV_8UC3, new Scalar(10 * n % 256, 100, 200));
            int x = n % Math.Max(1, width - 4);
            Cv2.Rectangle(frame, new Rect(x, height / 2 - 2, 4, 4), Scalar.White, -1);
            writer.Write(frame);
        }

        return path;
    }

    /// <summary>Mean x of pixels brighter than 128 in a gray frame, or NaN when there are none.</summary>
    public static double BrightCentroidX(VideoFrame frame)
    {
        double sum = 0;
        int count = 0;
        for (int y = 0; y < frame.Height; y++)
        {
            for (int x = 0; x < frame.Width; x++)
            {
                if (frame.Pixels[(y * frame.Width + x) * frame.Channels] > 128)
                {
                    sum += x;
                    count++;
                }
            }
        }

        return count == 0 ? double.NaN : sum / count;
    }
}
