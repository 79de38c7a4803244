namespace Pipelines.Video.Emotion;

/// <summary>Settings of <see cref="EmotionRecognizer"/>.</summary>
public sealed record EmotionRecognizerOptions
{
    /// <summary>Length of each labelled window of a track, in seconds.</summary>
    public double WindowSeconds { get; init; } = 2.0;

    /// <summary>
    /// Most face crops the model sees per window (evenly spaced over it); the model was trained
    /// on clips of 1-4 frames, so longer sequences go beyond what it learned.
    /// </summary>
    public int FramesPerWindow { get; init; } = 4;

    /// <summary>Average each window with its mirror image (horizontal-flip test-time augmentation).</summary>
    public bool Mirror { get; init; } = true;

    /// <summary>
    /// Also average each window with its crops moved this many pixels up, down, left and right
    /// (see <see cref="EmotionModel.Predict"/>); 0 turns it off. The default 2 was chosen on the
    /// validation faces held out of FER-2013 train (62.2% against 61.3% for the mirror alone).
    /// </summary>
    public int Shift { get; init; } = 2;

    /// <summary>Treat every whole frame as the face (inputs that are already face crops).</summary>
    public bool NoDetect { get; init; }

    /// <summary>
    /// Tracks with fewer detections are dropped as detector noise (a Haar cascade fires on a
    /// patterned shirt for a frame or two); never more than the number of frames analysed.
    /// </summary>
    public int MinTrackFaces { get; init; } = 3;

    /// <summary>
    /// Mean absolute difference (0-255) between thumbnails of consecutive frames above which the
    /// frame starts a new shot and every track closes: IoU alone would link two people filmed in
    /// the same place across a cut. 0 turns the check off.
    /// </summary>
    public double SceneCutThreshold { get; init; } = 40;

    /// <summary>Checks the values.</summary>
    public void Validate()
    {
        if (!(WindowSeconds > 0) || double.IsInfinity(WindowSeconds))
        {
            throw new ArgumentOutOfRangeException(
                nameof(WindowSeconds), $"window must be > 0 seconds; got {WindowSeconds}");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(FramesPerWindow, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MinTrackFaces, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(Shift);
    }
}
