using OpenCvSharp;

namespace Pipelines.Video.Faces;

/// <summary>
/// Cuts a face out of a frame as the emotion model wants it: a square around the detection,
/// grown by a margin (FER-2013's crops show a little forehead and chin around the Haar box),
/// clamped to the frame, converted to grayscale and resized to side x side.
/// </summary>
public static class FaceCrop
{
    /// <summary>How much the square grows beyond the detected box on each side, as a fraction of its side.</summary>
    public const double DefaultMargin = 0.1;

    /// <summary>The square crop rectangle for a box, clamped to a frame of the given size.</summary>
    public static Rect SquareAround(Rect box, int frameWidth, int frameHeight, double margin = DefaultMargin)
    {
        int side = (int)Math.Round(Math.Max(box.Width, box.Height) * (1 + 2 * margin));
        side = Math.Max(1, Math.Min(side, Math.Min(frameWidth, frameHeight)));
        int cx = box.X + box.Width / 2, cy = box.Y + box.Height / 2;
        int x = Math.Clamp(cx - side / 2, 0, frameWidth - side);
        int y = Math.Clamp(cy - side / 2, 0, frameHeight - side);
        return new Rect(x, y, side, side);
    }

    /// <summary>
    /// Crops <paramref name="box"/> (grown to a square) from a BGR or gray frame as side x side gray bytes.
    /// </summary>
    public static byte[] Cut(Mat frame, Rect box, int side, double margin = DefaultMargin)
    {
        var square = SquareAround(box, frame.Width, frame.Height, margin);
        using var region = new Mat(frame, square);
        using var gray = ToGray(region);
        return ToSquareBytes(gray, side);
    }

    /// <summary>
    /// A whole gray image resized to side x side bytes (a centred square crop first when not square).
    /// </summary>
    public static byte[] ToSquareBytes(Mat gray, int side)
    {
        if (gray.Type() != MatType.CV_8UC1)
        {
            throw new ArgumentException($"expected an 8-bit one-channel image; got {gray.Type()}");
        }

        int s = Math.Min(gray.Width, gray.Height);
        using var centre = new Mat(gray, new Rect((gray.Width - s) / 2, (gray.Height - s) / 2, s, s));
        using var resized = new Mat();
        // Area interpolation when shrinking (no aliasing), linear when growing.
        var method = s > side ? InterpolationFlags.Area : InterpolationFlags.Linear;
        Cv2.Resize(centre, resized, new Size(side, side), 0, 0, method);
        var bytes = new byte[side * side];
        using var packed = resized.IsContinuous() ? resized : resized.Clone();
        System.Runtime.InteropServices.Marshal.Copy(packed.Data, bytes, 0, bytes.Length);
        return bytes;
    }

    /// <summary>A gray copy of a BGR, BGRA or gray image (the caller disposes it).</summary>
    public static Mat ToGray(Mat image)
    {
        var gray = new Mat();
        switch (image.Channels())
        {
            case 1:
                image.CopyTo(gray);
                break;
            case 3:
                Cv2.CvtColor(image, gray, ColorConversionCodes.BGR2GRAY);
                break;
            case 4:
                Cv2.CvtColor(image, gray, ColorConversionCodes.BGRA2GRAY);
                break;
            default:
                gray.Dispose();
                throw new ArgumentException($"expected 1, 3 or 4 channels; got {image.Channels()}");
        }

        if (gray.Depth() != MatType.CV_8U)
        {
            // 16-bit or float frames: scale into 8 bits the way imshow would.
            double scale = gray.Depth() == MatType.CV_16U ? 1.0 / 257 : 255;
            using var converted = new Mat();
            gray.ConvertTo(converted, MatType.CV_8U, scale);
            converted.CopyTo(gray);
        }

        return gray;
    }
}
