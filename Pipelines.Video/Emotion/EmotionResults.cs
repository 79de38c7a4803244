using Pipelines.Video.Faces;

namespace Pipelines.Video.Emotion;

/// <summary>One frame handed to <see cref="EmotionRecognizer"/>; the caller owns and disposes the image.</summary>
/// <param name="Index">0-based position among the frames handed over.</param>
/// <param name="TimeSeconds">Presentation time of the frame.</param>
/// <param name="Image">BGR, BGRA or gray frame.</param>
public sealed record EmotionFrame(int Index, double TimeSeconds, OpenCvSharp.Mat Image);

/// <summary>The emotion of one track over one window of time.</summary>
/// <param name="Start">Time of the window's first face (seconds).</param>
/// <param name="End">Time just after its last face (seconds; equal to Start for a still).</param>
/// <param name="Emotion">The most probable class.</param>
/// <param name="Confidence">Its probability.</param>
/// <param name="Probs">Every class's probability, by name, in class order.</param>
/// <param name="Faces">Face crops the window held (the model saw up to FramesPerWindow of them).</param>
public sealed record EmotionSegment(
    double Start, double End, string Emotion, double Confidence, IReadOnlyDictionary<string, double> Probs, int Faces);

/// <summary>One tracked face: its windows and its clip-level label.</summary>
/// <param name="Id">Track id (1-based, order of appearance).</param>
/// <param name="Segments">Windows in time order.</param>
/// <param name="Emotion">Clip-level label: the class of the face-weighted mean of the windows' probabilities.</param>
/// <param name="Confidence">That mean probability.</param>
/// <param name="Boxes">Every detection, for drawing.</param>
public sealed record EmotionTrackResult(
    int Id, IReadOnlyList<EmotionSegment> Segments, string Emotion, double Confidence, IReadOnlyList<TrackedFace> Boxes)
{
    /// <summary>Detections in the track.</summary>
    public int FaceCount => Boxes.Count;

    /// <summary>Mean box area in pixels.</summary>
    public double MeanArea => Boxes.Count == 0 ? 0 : Boxes.Average(b => (double)b.Box.Area);
}

/// <summary>The result for one input; no face is a normal result (null emotion, no tracks).</summary>
/// <param name="Emotion">The label of the main track (most faces; the larger mean box on a tie), or null.</param>
/// <param name="Confidence">Its confidence, or null.</param>
/// <param name="Tracks">Every kept track.</param>
/// <param name="Frames">Frames analysed.</param>
public sealed record EmotionClipResult(
    string? Emotion, double? Confidence, IReadOnlyList<EmotionTrackResult> Tracks, int Frames)
{
    /// <summary>The main track, or null.</summary>
    public EmotionTrackResult? MainTrack => Tracks
        .OrderByDescending(t => t.FaceCount).ThenByDescending(t => t.MeanArea).ThenBy(t => t.Id).FirstOrDefault();
}
