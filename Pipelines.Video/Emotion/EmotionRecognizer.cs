using Pipelines.Video.Faces;

namespace Pipelines.Video.Emotion;

/// <summary>
/// Emotion in a clip: faces are detected in each frame (or each whole frame is the face),
/// linked into tracks by <see cref="IouTracker"/>, cropped (eye-levelled when an eye cascade is
/// available) to the model's 48x48 gray input, and each track is cut into windows of
/// <see cref="EmotionRecognizerOptions.WindowSeconds"/>; the ConvLSTM labels each window from up
/// to <see cref="EmotionRecognizerOptions.FramesPerWindow"/> crops, and the track's label is the
/// face-weighted mean of its windows. A still image is a one-frame clip.
/// </summary>
/// <example>
/// <code>
/// using var detector = new HaarFaceDetector(cascadePath);
/// var model = EmotionModel.Load(dir);
/// var recognizer = new EmotionRecognizer(model, detector, aligner: null, new EmotionRecognizerOptions());
/// EmotionClipResult result = recognizer.Run(frames);   // frames: EmotionFrame per decoded frame
/// </code>
/// </example>
public sealed class EmotionRecognizer
{
    private readonly EmotionModel model;
    private readonly HaarFaceDetector? detector;
    private readonly FaceAligner? aligner;

    /// <summary>Creates a recognizer; the detector may be null only with NoDetect.</summary>
    public EmotionRecognizer(
        EmotionModel model, HaarFaceDetector? detector, FaceAligner? aligner, EmotionRecognizerOptions options)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        options.Validate();
        if (detector is null && !options.NoDetect)
        {
            throw new ArgumentException("a face detector is needed unless NoDetect is set", nameof(detector));
        }

        this.detector = detector;
        this.aligner = aligner;
        Options = options;
    }

    /// <summary>The settings.</summary>
    public EmotionRecognizerOptions Options { get; }

    /// <summary>Analyses the frames (streamed: only the 48x48 crops are kept).</summary>
    public EmotionClipResult Run(IEnumerable<EmotionFrame> frames, CancellationToken cancel = default)
    {
        var tracker = new IouTracker();
        var crops = new Dictionary<int, List<byte[]>>();
        var cuts = new SceneCutDetector(Options.SceneCutThreshold);
        int count = 0;
        foreach (var frame in frames)
        {
            cancel.ThrowIfCancellationRequested();
            count++;
            if (cuts.IsCut(frame.Image))
            {
                tracker.CloseAll();
            }

            var boxes = Options.NoDetect
                ? new[] { new FaceBox(0, 0, frame.Image.Width, frame.Image.Height) }
                : detector!.Detect(frame.Image);
            var joined = tracker.Update(frame.Index, frame.TimeSeconds, boxes);
            for (int i = 0; i < boxes.Count; i++)
            {
                if (!crops.TryGetValue(joined[i].Id, out var list))
                {
                    crops[joined[i].Id] = list = new List<byte[]>();
                }

                list.Add(Crop(frame.Image, boxes[i]));
            }
        }

        int minFaces = Math.Min(Options.MinTrackFaces, Math.Max(1, count));
        var tracks = tracker.Tracks.Where(t => t.Faces.Count >= minFaces)
            .Select(t => Label(t, crops[t.Id])).ToList();
        var result = new EmotionClipResult(null, null, tracks, count);
        return result.MainTrack is { } main
            ? result with { Emotion = main.Emotion, Confidence = main.Confidence }
            : result;
    }

    private byte[] Crop(OpenCvSharp.Mat image, FaceBox box)
    {
        if (Options.NoDetect)
        {
            using var gray = FaceCrop.ToGray(image);
            return FaceCrop.ToSquareBytes(gray, model.Side);
        }

        return aligner is null
            ? FaceCrop.Cut(image, box.ToRect(), model.Side)
            : aligner.Cut(image, box, model.Side, out _);
    }

    // Seconds (and window fractions) within which a time counts as on a window edge.
    private const double EdgeSlack = 1e-9;

    private EmotionTrackResult Label(FaceTrack track, List<byte[]> crops)
    {
        var faces = track.Faces;
        double step = TypicalStep(faces);
        var segments = new List<EmotionSegment>();
        var sum = new double[model.Labels.Count];
        double t0 = faces[0].TimeSeconds;
        int start = 0;
        while (start < faces.Count)
        {
            // Window k covers [t0 + kW, t0 + (k+1)W); empty windows (the face was lost) are skipped.
            // Times on a window edge are compared with a nanosecond's slack both ways, since frame
            // times are decimal in binary: (8.2 - 4.2) / 2 came out as 1.9999999999999996, so the face
            // at 8.2 started window 1 again, as a segment of its own beside window 2's.
            int k = (int)Math.Floor((faces[start].TimeSeconds - t0) / Options.WindowSeconds + EdgeSlack);
            double windowEnd = t0 + (k + 1) * Options.WindowSeconds;

            // The window always holds its first face, even when rounding puts that face's time on
            // or past windowEnd (e.g. 12.6 + 2.0 against 14.6).
            int end = start + 1;
            while (end < faces.Count && faces[end].TimeSeconds < windowEnd - EdgeSlack)
            {
                end++;
            }

            var probs = PredictWindow(crops, start, end);
            int n = end - start;
            for (int c = 0; c < sum.Length; c++)
            {
                sum[c] += probs[c] * n;
            }

            // The segment runs to its last face's end, but never past its window nor into the next
            // segment (a face one frame before a window's end reached a frame into the next one).
            double last = faces[end - 1].TimeSeconds + step;
            double next = end < faces.Count ? faces[end].TimeSeconds : double.PositiveInfinity;
            double until = Math.Min(last, next);
            if (windowEnd > faces[start].TimeSeconds)
            {
                until = Math.Min(until, windowEnd);
            }

            segments.Add(Segment(faces[start].TimeSeconds, until, probs, n));
            start = end;
        }

        var mean = sum.Select(v => v / faces.Count).ToArray();
        int best = EmotionEvaluator.ArgMax(mean.Select(v => (float)v).ToArray());
        return new EmotionTrackResult(track.Id, segments, model.Labels[best], mean[best], faces);
    }

    // Up to FramesPerWindow crops spread evenly over [start, end); the last step's probabilities.
    private float[] PredictWindow(List<byte[]> crops, int start, int end)
    {
        int n = end - start, time = Math.Min(n, Options.FramesPerWindow), area = model.Side * model.Side;
        var data = new float[time * area];   // [1, time, 1, side, side]
        for (int t = 0; t < time; t++)
        {
            int pick = time == 1 ? start : start + (int)Math.Round(t * (n - 1) / (double)(time - 1));
            FaceNormalizer.Standardize(crops[pick], data.AsSpan(t * area, area));
        }

        return model.PredictSteps(data, time, Options.Mirror, Options.Shift)[^1];
    }

    private EmotionSegment Segment(double start, double end, float[] probs, int faces)
    {
        int best = EmotionEvaluator.ArgMax(probs);
        var named = new Dictionary<string, double>();
        for (int c = 0; c < probs.Length; c++)
        {
            named[model.Labels[c]] = Math.Round(probs[c], 4);
        }

        return new EmotionSegment(start, end, model.Labels[best], probs[best], named, faces);
    }

    // The median gap between detections: what one face "lasts" at the end of a window (0 for a still).
    private static double TypicalStep(IReadOnlyList<TrackedFace> faces)
    {
        if (faces.Count < 2)
        {
            return 0;
        }

        var gaps = faces.Zip(faces.Skip(1), (a, b) => b.TimeSeconds - a.TimeSeconds).Order().ToList();
        return gaps[gaps.Count / 2];
    }
}
