using OpenCvSharp;
using Pipelines.Video.Faces;

namespace Pipelines.Video.Emotion;

/// <summary>
/// Draws the result on the frames: each tracked face's box, its track id and the emotion and
/// confidence of the window the frame falls in. Colours are fixed per class so a change of
/// label shows as a change of colour.
/// </summary>
public sealed class EmotionAnnotator
{
    private static readonly Scalar[] ClassColours =
    {
        new(40, 40, 230), new(40, 140, 40), new(160, 60, 160), new(30, 200, 240),
        new(200, 200, 200), new(200, 120, 40), new(40, 200, 120),
    };

    private readonly Dictionary<int, List<(TrackedFace Face, EmotionTrackResult Track)>> byFrame = new();

    /// <summary>Indexes a result by frame so frames can be drawn as they stream past.</summary>
    public EmotionAnnotator(EmotionClipResult result, IReadOnlyList<string> labels)
    {
        Labels = labels;
        foreach (var track in result.Tracks)
        {
            foreach (var face in track.Boxes)
            {
                if (!byFrame.TryGetValue(face.FrameIndex, out var list))
                {
                    byFrame[face.FrameIndex] = list = new();
                }

                list.Add((face, track));
            }
        }
    }

    /// <summary>Class names, for the colour of each label.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Draws the faces of frame <paramref name="frameIndex"/> onto <paramref name="bgr"/> in place.</summary>
    public void Draw(Mat bgr, int frameIndex)
    {
        if (!byFrame.TryGetValue(frameIndex, out var faces))
        {
            return;
        }

        int thickness = Math.Max(2, Math.Min(bgr.Width, bgr.Height) / 200);
        double fontScale = Math.Max(0.5, Math.Min(bgr.Width, bgr.Height) / 700.0);
        foreach (var (face, track) in faces)
        {
            var segment = track.Segments.LastOrDefault(s => s.Start <= face.TimeSeconds) ?? track.Segments[0];
            int cls = Math.Max(0, IndexOf(segment.Emotion));
            var colour = ClassColours[cls % ClassColours.Length];
            var box = face.Box.ToRect();
            Cv2.Rectangle(bgr, box, colour, thickness);
            string text = $"#{track.Id} {segment.Emotion} {segment.Confidence:0.00}";
            var size = Cv2.GetTextSize(text, HersheyFonts.HersheySimplex, fontScale, thickness, out int baseline);
            int y = Math.Max(size.Height + baseline, box.Y - 4);
            Cv2.Rectangle(bgr, new Rect(box.X, y - size.Height - baseline, size.Width + 4, size.Height + baseline + 2),
                colour, -1);
            Cv2.PutText(bgr, text, new Point(box.X + 2, y - baseline / 2), HersheyFonts.HersheySimplex, fontScale,
                Scalar.Black, Math.Max(1, thickness / 2), LineTypes.AntiAlias);
        }
    }

    private int IndexOf(string label)
    {
        for (int i = 0; i < Labels.Count; i++)
        {
            if (Labels[i] == label)
            {
                return i;
            }
        }

        return -1;
    }
}
