namespace Pipelines.Video.Faces;

/// <summary>One detection of a track: the frame it is in, its time and box.</summary>
public readonly record struct TrackedFace(int FrameIndex, double TimeSeconds, FaceBox Box);

/// <summary>A face followed across frames; ids count from 1 in order of appearance.</summary>
public sealed class FaceTrack
{
    private readonly List<TrackedFace> faces = new();

    public FaceTrack(int id) => Id = id;

    public int Id { get; }

    /// <summary>The detections in frame order.</summary>
    public IReadOnlyList<TrackedFace> Faces => faces;

    /// <summary>The newest detection.</summary>
    public TrackedFace Last => faces[^1];

    /// <summary>Mean box area (pixels), used to pick the main face.</summary>
    public double MeanArea => faces.Count == 0 ? 0 : faces.Average(f => (double)f.Box.Area);

    internal void Add(TrackedFace face) => faces.Add(face);
}
