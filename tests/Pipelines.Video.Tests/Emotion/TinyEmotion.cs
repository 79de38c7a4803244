using OpenCvSharp;
using Pipelines.Video.Emotion;

namespace Pipelines.Video.Tests.Emotion;

/// <summary>A network small enough to train in seconds, and synthetic labelled face folders for it.</summary>
internal static class TinyEmotion
{
    public static EmotionNetOptions Options => new()
    {
        ImageSize = 16,
        StageChannels = new[] { 6, 8 },
        StageConvs = new[] { 1, 1 },
        LstmFilters = 6,
        HeadHidden = 16,
        Dropout = 0.1f,
    };

    /// <summary>
    /// Writes <paramref name="perClass"/> PNGs per class to ROOT/&lt;emotion&gt;/ for the first
    /// <paramref name="classes"/> (at most 3) classes: a horizontal bar, a vertical bar, a ring,
    /// shifted and shaded per image. Shapes the augmenter's mirror and small rotations keep apart,
    /// so the task needs the picture (not its brightness) but is easy.
    /// </summary>
    public static void WriteFolder(string root, int classes, int perClass, int side = 16, int seed = 1)
    {
        var rng = new Random(seed);
        for (int c = 0; c < classes; c++)
        {
            string dir = Path.Combine(root, EmotionLabels.All[c]);
            Directory.CreateDirectory(dir);
            for (int i = 0; i < perClass; i++)
            {
                using var img = new Mat(side, side, MatType.CV_8UC1, new Scalar(60 + rng.Next(40)));
                int cx = side / 2 + rng.Next(-2, 3), cy = side / 2 + rng.Next(-2, 3), r = (int)(side * 0.35);
                var ink = new Scalar(200 + rng.Next(50));
                switch (c)
                {
                    case 0:
                        img.Line(new Point(cx - r, cy), new Point(cx + r, cy), ink, 2);
                        break;
                    case 1:
                        img.Line(new Point(cx, cy - r), new Point(cx, cy + r), ink, 2);
                        break;
                    default:
                        img.Circle(new Point(cx, cy), r - 1, ink, 1);
                        break;
                }

                Cv2.ImWrite(Path.Combine(dir, $"{i:D3}.png"), img);
            }
        }
    }
}
