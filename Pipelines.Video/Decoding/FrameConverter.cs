using System.Runtime.InteropServices;
using OpenCvSharp;

namespace Pipelines.Video.Decoding;

/// <summary>
/// Turns a decoded OpenCV frame (BGR, BGRA or gray; 8 or 16 bit) into managed bytes of the
/// requested colour and size. The intermediate Mats are reused from frame to frame and freed in
/// <see cref="Dispose"/>, so a long clip allocates no native memory per frame.
/// </summary>
internal sealed class FrameConverter : IDisposable
{
    private readonly VideoReadOptions options;
    private readonly Mat depth8 = new();
    private readonly Mat colored = new();
    private readonly Mat resized = new();

    public FrameConverter(VideoReadOptions options) => this.options = options;

    /// <summary>Converts one frame; returns (width, height, pixels) of the result.</summary>
    public (int Width, int Height, byte[] Pixels) Convert(Mat decoded)
    {
        var src = decoded;
        if (src.Depth() != MatType.CV_8U)
        {
            // 16-bit sources (rare: FFV1, some PNG-in-MOV) keep their top 8 bits.
            double scale = src.Depth() == MatType.CV_16U ? 1.0 / 256.0 : 1.0;
            src.ConvertTo(depth8, MatType.CV_8U, scale);
            src = depth8;
        }

        var code = ColorCode(src.Channels());
        if (code is { } c)
        {
            Cv2.CvtColor(src, colored, c);
            src = colored;
        }

        if (options.Width is { } width && options.Height is { } height
            && (src.Width != width || src.Height != height))
        {
            ResizeInto(src, width, height);
            src = resized;
        }

        return (src.Width, src.Height, ToBytes(src));
    }

    public void Dispose()
    {
        depth8.Dispose();
        colored.Dispose();
        resized.Dispose();
    }

    private ColorConversionCodes? ColorCode(int channels) => (channels, options.Color) switch
    {
        (1, FrameColor.Gray) => null,
        (1, FrameColor.Rgb) => ColorConversionCodes.GRAY2RGB,
        (3, FrameColor.Gray) => ColorConversionCodes.BGR2GRAY,
        (3, FrameColor.Rgb) => ColorConversionCodes.BGR2RGB,
        (4, FrameColor.Gray) => ColorConversionCodes.BGRA2GRAY,
        (4, FrameColor.Rgb) => ColorConversionCodes.BGRA2RGB,
        _ => throw new NotSupportedException($"decoded frames with {channels} channels are not supported"),
    };

    private void ResizeInto(Mat src, int width, int height)
    {
        // INTER_AREA averages the source pixels under each target pixel (no aliasing when
        // shrinking); INTER_LINEAR is the usual choice when enlarging.
        var interpolation = width < src.Width || height < src.Height
            ? InterpolationFlags.Area
            : InterpolationFlags.Linear;
        if (options.Resize == ResizeMode.CenterCrop)
        {
            using var region = new Mat(src, CenterRegion(src.Width, src.Height, width, height));
            Cv2.Resize(region, resized, new Size(width, height), 0, 0, interpolation);
        }
        else
        {
            Cv2.Resize(src, resized, new Size(width, height), 0, 0, interpolation);
        }
    }

    /// <summary>The largest centred rectangle of the source with the target's aspect ratio.</summary>
    internal static Rect CenterRegion(int srcWidth, int srcHeight, int width, int height)
    {
        // Compare srcWidth/srcHeight with width/height without rounding: cross-multiply.
        if ((long)srcWidth * height > (long)width * srcHeight)
        {
            int w = Math.Max(1, (int)Math.Round((double)srcHeight * width / height));
            return new Rect((srcWidth - w) / 2, 0, w, srcHeight);
        }

        int h = Math.Max(1, (int)Math.Round((double)srcWidth * height / width));
        return new Rect(0, (srcHeight - h) / 2, srcWidth, h);
    }

    private static byte[] ToBytes(Mat mat)
    {
        int rowBytes = mat.Width * mat.Channels();
        int height = mat.Height;
        var pixels = new byte[rowBytes * height];   // [height, width, channels]
        if (mat.IsContinuous())
        {
            Marshal.Copy(mat.Data, pixels, 0, pixels.Length);
            return pixels;
        }

        for (int y = 0; y < height; y++)
        {
            Marshal.Copy(mat.Ptr(y), pixels, y * rowBytes, rowBytes);
        }

        return pixels;
    }
}
