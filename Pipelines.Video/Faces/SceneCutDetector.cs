using OpenCvSharp;

namespace Pipelines.Video.Faces;

/// <summary>
/// Finds hard cuts between shots: each frame is shrunk to a 32x18 gray thumbnail, and a frame
/// whose mean absolute difference from the previous thumbnail exceeds the threshold starts a
/// new shot. Camera motion and expressions change a thumbnail little; a cut changes most of it.
/// </summary>
public sealed class SceneCutDetector
{
    private readonly double threshold;
    private byte[]? previous;

    /// <summary>Creates a detector; a threshold of 0 or less never reports a cut.</summary>
    public SceneCutDetector(double threshold) => this.threshold = threshold;

    /// <summary>Whether <paramref name="frame"/> (BGR, BGRA or gray) starts a new shot (never the first).</summary>
    public bool IsCut(Mat frame)
    {
        if (threshold <= 0)
        {
            return false;
        }

        using var gray = FaceCrop.ToGray(frame);
        using var small = new Mat();
        Cv2.Resize(gray, small, new Size(32, 18), 0, 0, InterpolationFlags.Area);
        var thumb = new byte[32 * 18];
        using (var packed = small.Clone())
        {
            System.Runtime.InteropServices.Marshal.Copy(packed.Data, thumb, 0, thumb.Length);
        }

        bool cut = previous is not null && MeanAbsDifference(previous, thumb) > threshold;
        previous = thumb;
        return cut;
    }

    private static double MeanAbsDifference(byte[] a, byte[] b)
    {
        long sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return sum / (double)a.Length;
    }
}
