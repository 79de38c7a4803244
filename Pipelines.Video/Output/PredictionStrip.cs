using OpenCvSharp;

namespace Pipelines.Video.Output;

/// <summary>
/// One image of a prediction: three labelled rows (context | truth | prediction), frames side by
/// side, enlarged so 64-pixel frames stay readable.
/// </summary>
public static class PredictionStrip
{
    private const int Gap = 4;
    private const int LabelWidth = 84;

    /// <summary>The strip as a new BGR Mat; the caller disposes it.</summary>
    /// <param name="context">Context frames, each [channels, size, size].</param>
    /// <param name="truth">The frames that followed (may be empty).</param>
    /// <param name="predicted">Predicted frames.</param>
    /// <param name="channels">Channels per frame.</param>
    /// <param name="size">Frame side.</param>
    /// <param name="scale">Integer enlargement.</param>
    public static Mat Render(IReadOnlyList<float[]> context, IReadOnlyList<float[]> truth,
        IReadOnlyList<float[]> predicted, int channels, int size, int scale = 2)
    {
        var rows = new List<(string Label, IReadOnlyList<float[]> Frames)> { ("context", context) };
        if (truth.Count > 0)
        {
            rows.Add(("truth", truth));
        }

        rows.Add(("predicted", predicted));
        int cell = size * scale;
        int columns = rows.Max(r => r.Frames.Count);
        int width = LabelWidth + columns * (cell + Gap);
        int height = rows.Count * (cell + Gap) + Gap;
        var strip = new Mat(height, width, MatType.CV_8UC3, new Scalar(64, 64, 64));
        for (int r = 0; r < rows.Count; r++)
        {
            int top = Gap + r * (cell + Gap);
            Cv2.PutText(strip, rows[r].Label, new Point(6, top + cell / 2 + 5), HersheyFonts.HersheySimplex, 0.5,
                Scalar.White, 1, LineTypes.AntiAlias);
            for (int i = 0; i < rows[r].Frames.Count; i++)
            {
                using var frame = FrameImages.ToMat(rows[r].Frames[i], channels, size, scale);
                using var bgr = channels == 1 ? frame.CvtColor(ColorConversionCodes.GRAY2BGR) : frame.Clone();
                using var target = new Mat(strip, new Rect(LabelWidth + i * (cell + Gap), top, cell, cell));
                bgr.CopyTo(target);
            }
        }

        return strip;
    }
}
