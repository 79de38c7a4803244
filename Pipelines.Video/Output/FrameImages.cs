using OpenCvSharp;

namespace Pipelines.Video.Output;

/// <summary>Planar float frames in [0, 1] to 8-bit OpenCV images and encoded PNG bytes.</summary>
public static class FrameImages
{
    /// <summary>
    /// A new BGR (or one-channel) Mat of a [channels, size, size] frame, enlarged by an integer
    /// <paramref name="scale"/> with nearest-neighbour sampling. The caller disposes it.
    /// </summary>
    public static Mat ToMat(ReadOnlySpan<float> frame, int channels, int size, int scale = 1)
    {
        int plane = size * size;
        var pixels = new byte[plane * channels];   // [size, size, channels], R G B order for colour
        for (int p = 0; p < plane; p++)
        {
            for (int ch = 0; ch < channels; ch++)
            {
                pixels[p * channels + ch] = (byte)Math.Clamp(MathF.Round(frame[ch * plane + p] * 255f), 0, 255);
            }
        }

        var mat = new Mat(size, size, channels == 1 ? MatType.CV_8UC1 : MatType.CV_8UC3);
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, mat.Data, pixels.Length);
        if (channels == 3)
        {
            Cv2.CvtColor(mat, mat, ColorConversionCodes.RGB2BGR);
        }

        if (scale > 1)
        {
            using var small = mat;
            var large = new Mat();
            Cv2.Resize(small, large, new Size(size * scale, size * scale), 0, 0, InterpolationFlags.Nearest);
            return large;
        }

        return mat;
    }

    /// <summary>PNG bytes of an image.</summary>
    public static byte[] Png(Mat image)
    {
        if (!Cv2.ImEncode(".png", image, out var bytes))
        {
            throw new InvalidOperationException($"OpenCV could not encode a {image.Width}x{image.Height} PNG");
        }

        return bytes;
    }
}
