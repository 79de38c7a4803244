namespace Pipelines.Video.Faces;

/// <summary>An axis-aligned face box in frame pixels.</summary>
public readonly record struct FaceBox(int X, int Y, int Width, int Height)
{
    /// <summary>Width * height.</summary>
    public long Area => (long)Width * Height;

    /// <summary>Intersection over union with another box (0 when either is empty).</summary>
    public double IoU(FaceBox other)
    {
        int x0 = Math.Max(X, other.X), y0 = Math.Max(Y, other.Y);
        int x1 = Math.Min(X + Width, other.X + other.Width), y1 = Math.Min(Y + Height, other.Y + other.Height);
        long inter = (long)Math.Max(0, x1 - x0) * Math.Max(0, y1 - y0);
        long union = Area + other.Area - inter;
        return union <= 0 ? 0 : inter / (double)union;
    }

    /// <summary>The OpenCV rectangle.</summary>
    public OpenCvSharp.Rect ToRect() => new(X, Y, Width, Height);

    /// <summary>From an OpenCV rectangle.</summary>
    public static FaceBox From(OpenCvSharp.Rect r) => new(r.X, r.Y, r.Width, r.Height);
}
