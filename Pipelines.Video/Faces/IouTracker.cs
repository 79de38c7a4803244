namespace Pipelines.Video.Faces;

/// <summary>
/// Links per-frame face boxes into tracks by overlap, the IoU tracker of Bochinski et al.
/// (2017): each frame, the pairs (open track, detection) are taken greedily by highest IoU
/// while IoU &gt;= <see cref="MinIoU"/>; a detection left over opens a new track, and a track
/// not matched for more than <see cref="MaxMissedFrames"/> frames closes. Faces move little
/// between frames and rarely cross, so greedy matching is enough here.
/// </summary>
public sealed class IouTracker
{
    private readonly List<FaceTrack> all = new();
    private readonly List<(FaceTrack Track, int LastFrame)> open = new();

    /// <summary>Smallest overlap that continues a track.</summary>
    public double MinIoU { get; init; } = 0.3;

    /// <summary>Frames a track may go undetected (a blink of the detector) before it closes.</summary>
    public int MaxMissedFrames { get; init; } = 5;

    /// <summary>Every track so far, in order of first appearance.</summary>
    public IReadOnlyList<FaceTrack> Tracks => all;

    /// <summary>Closes every open track (at a scene cut: a face in the next shot is another face).</summary>
    public void CloseAll() => open.Clear();

    /// <summary>Adds one frame's detections; returns the track each detection joined, in input order.</summary>
    public IReadOnlyList<FaceTrack> Update(int frameIndex, double timeSeconds, IReadOnlyList<FaceBox> boxes)
    {
        open.RemoveAll(t => frameIndex - t.LastFrame > MaxMissedFrames + 1);
        var pairs = new List<(double IoU, int Track, int Box)>();
        for (int t = 0; t < open.Count; t++)
        {
            for (int b = 0; b < boxes.Count; b++)
            {
                double iou = open[t].Track.Last.Box.IoU(boxes[b]);
                if (iou >= MinIoU)
                {
                    pairs.Add((iou, t, b));
                }
            }
        }

        var assigned = new FaceTrack?[boxes.Count];
        var trackTaken = new bool[open.Count];
        foreach (var (_, t, b) in pairs.OrderByDescending(p => p.IoU).ThenBy(p => p.Track).ThenBy(p => p.Box))
        {
            if (!trackTaken[t] && assigned[b] is null)
            {
                trackTaken[t] = true;
                assigned[b] = open[t].Track;
            }
        }

        for (int b = 0; b < boxes.Count; b++)
        {
            if (assigned[b] is null)
            {
                var track = new FaceTrack(all.Count + 1);
                all.Add(track);
                open.Add((track, frameIndex));
                assigned[b] = track;
            }

            assigned[b]!.Add(new TrackedFace(frameIndex, timeSeconds, boxes[b]));
            int i = open.FindIndex(o => ReferenceEquals(o.Track, assigned[b]));
            open[i] = (assigned[b]!, frameIndex);
        }

        return assigned!;
    }
}
