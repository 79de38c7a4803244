using OpenCvSharp;

namespace Pipelines.Video.Decoding;

/// <summary>
/// One delivered frame in managed memory: 8-bit pixels, rows top to bottom, channels interleaved
/// (R, G, B for <see cref="FrameColor.Rgb"/>). It owns no native memory, so it may be kept.
/// </summary>
public sealed class VideoFrame
{
    /// <summary>Wraps pixels of [height, width, channels].</summary>
    public VideoFrame(int index, int sourceIndex, double timeSeconds, int width, int height, FrameColor color,
        byte[] pixels)
    {
        int channels = color == FrameColor.Gray ? 1 : 3;
        if (width <= 0 || height <= 0 || pixels.Length != width * height * channels)
        {
            throw new ArgumentException(
                $"a {width}x{height} {color} frame needs {width * height * channels} bytes; got {pixels.Length}");
        }

        Index = index;
        SourceIndex = sourceIndex;
        TimeSeconds = timeSeconds;
        Width = width;
        Height = height;
        Color = color;
        Pixels = pixels;
    }

    /// <summary>Position among the delivered frames, from 0.</summary>
    public int Index { get; }

    /// <summary>Position among all decoded frames of the file, from 0 (differs with sampling).</summary>
    public int SourceIndex { get; }

    /// <summary>Presentation time in seconds, from the frame's own timestamp.</summary>
    public double TimeSeconds { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Pixel layout.</summary>
    public FrameColor Color { get; }

    /// <summary>1 for gray, 3 for RGB.</summary>
    public int Channels => Color == FrameColor.Gray ? 1 : 3;

    /// <summary>[height, width, channels] bytes.</summary>
    public byte[] Pixels { get; }

    /// <summary>
    /// Writes the frame as floats in [0, 1], planar [channels, height, width] (the NCHW layout
    /// of the models), into <paramref name="destination"/>.
    /// </summary>
    public void CopyPlanarTo(Span<float> destination)
    {
        int plane = Width * Height;
        int channels = Channels;
        if (destination.Length < plane * channels)
        {
            throw new ArgumentException($"need {plane * channels} floats; got {destination.Length}");
        }

        const float scale = 1f / 255f;
        for (int p = 0; p < plane; p++)
        {
            for (int c = 0; c < channels; c++)
            {
                destination[c * plane + p] = Pixels[p * channels + c] * scale;
            }
        }
    }

    /// <summary>The frame as floats in [0, 1], [channels, height, width].</summary>
    public float[] ToPlanar()
    {
        var data = new float[Width * Height * Channels];   // [channels, height, width]
        CopyPlanarTo(data);
        return data;
    }

    /// <summary>
    /// A new OpenCV matrix with the frame in OpenCV's own order (BGR, or one channel), for
    /// further OpenCV work such as face detection. The caller owns it and must dispose it.
    /// </summary>
    public Mat ToBgrMat()
    {
        var mat = new Mat(Height, Width, Color == FrameColor.Gray ? MatType.CV_8UC1 : MatType.CV_8UC3);
        System.Runtime.InteropServices.Marshal.Copy(Pixels, 0, mat.Data, Pixels.Length);
        if (Color == FrameColor.Rgb)
        {
            Cv2.CvtColor(mat, mat, ColorConversionCodes.RGB2BGR);
        }

        return mat;
    }
}
