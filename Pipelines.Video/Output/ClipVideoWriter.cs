using OpenCvSharp;

namespace Pipelines.Video.Output;

/// <summary>
/// Writes frames as a short MP4 (MPEG-4 Part 2, fourcc mp4v: the encoder the OpenCV runtime
/// ships; it has no H.264 encoder) and reads the file back to report the size and frame count
/// really written, since VideoWriter can silently write a different size than asked.
/// </summary>
public static class ClipVideoWriter
{
    /// <summary>Writes <paramref name="frames"/> (all the same size, BGR or gray) at <paramref name="fps"/>.</summary>
    /// <returns>The width, height and frame count read back from the file.</returns>
    /// <exception cref="IOException">The writer could not open the file or wrote no readable video.</exception>
    public static (int Width, int Height, int Frames) Write(string path, IReadOnlyList<Mat> frames, double fps)
    {
        if (frames.Count == 0)
        {
            throw new ArgumentException("no frames to write");
        }

        var size = new Size(frames[0].Width, frames[0].Height);
        using (var writer = new VideoWriter(path, FourCC.FromString("mp4v"), fps, size, isColor: true))
        {
            if (!writer.IsOpened())
            {
                throw new IOException($"'{path}': OpenCV could not open an mp4v writer for {size.Width}x{size.Height}");
            }

            using var bgr = new Mat();
            foreach (var frame in frames)
            {
                if (frame.Channels() == 1)
                {
                    Cv2.CvtColor(frame, bgr, ColorConversionCodes.GRAY2BGR);
                    writer.Write(bgr);
                }
                else
                {
                    writer.Write(frame);
                }
            }
        }

        return ReadBack(path);
    }

    private static (int Width, int Height, int Frames) ReadBack(string path)
    {
        using var capture = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        if (!capture.IsOpened())
        {
            throw new IOException($"'{path}': the video just written cannot be read back");
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
