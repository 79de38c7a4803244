using System.Text.Json.Nodes;
using OpenCvSharp;
using Pipelines.Video.Emotion;
using Pipelines.Video.Faces;
using Rnn.Core;
using Scalar = OpenCvSharp.Scalar;

namespace Pipelines.Video.Tests.Emotion;

[TestFixture]
public sealed class EmotionRecognizerTests
{
    private static EmotionModel TinyModel() => new(new EmotionNet(TinyEmotion.Options, new Rng(8)));

    private static EmotionRecognizer NoDetect() =>
        new(TinyModel(), null, null, new EmotionRecognizerOptions { NoDetect = true });

    private static IEnumerable<EmotionFrame> Frames(int count, double fps, Func<int, Mat> make)
    {
        for (int i = 0; i < count; i++)
        {
            using var image = make(i);
            yield return new EmotionFrame(i, i / fps, image);
        }
    }

    [Test]
    public void Without_detection_each_window_of_the_whole_frame_is_a_segment()
    {
        var recognizer = new EmotionRecognizer(TinyModel(), null, null,
            new EmotionRecognizerOptions { NoDetect = true, WindowSeconds = 0.5 });

        var result = recognizer.Run(
            Frames(10, 10, i => new Mat(40, 60, MatType.CV_8UC3, new Scalar(i * 20, 80, 200 - i * 10))));

        Assert.That(result.Frames, Is.EqualTo(10));
        var track = result.Tracks.Single();
        Assert.That(track.FaceCount, Is.EqualTo(10));
        Assert.That(track.Segments.Select(s => (s.Start, s.End)),
            Is.EqualTo(new[] { (0.0, 0.5), (0.5, 1.0) }).Using<(double, double)>((a, b) =>
                Math.Abs(a.Item1 - b.Item1) < 1e-9 && Math.Abs(a.Item2 - b.Item2) < 1e-9));
        Assert.That(track.Segments.All(s => Math.Abs(s.Probs.Values.Sum() - 1) < 1e-3), Is.True);
        Assert.That(result.Emotion, Is.EqualTo(track.Emotion));
        Assert.That(EmotionLabels.All, Does.Contain(result.Emotion));
    }

    [Test]
    public void A_still_image_is_a_one_frame_clip_with_one_instant_segment()
    {
        var recognizer = NoDetect();

        var result = recognizer.Run(Frames(1, 1, _ => new Mat(48, 48, MatType.CV_8UC1, new Scalar(128))));

        var segment = result.Tracks.Single().Segments.Single();
        Assert.That((segment.Start, segment.End), Is.EqualTo((0.0, 0.0)));
        Assert.That(result.Confidence, Is.EqualTo(segment.Confidence).Within(1e-6));
    }

    [Test]
    public void No_face_is_a_normal_result()
    {
        using var detector = new HaarFaceDetector(EmotionTestData.FaceCascade);
        var recognizer = new EmotionRecognizer(TinyModel(), detector, null, new EmotionRecognizerOptions());

        var result = recognizer.Run(Frames(4, 10, _ => new Mat(120, 160, MatType.CV_8UC3, new Scalar(50, 60, 70))));

        Assert.That(result.Emotion, Is.Null);
        Assert.That(result.Tracks, Is.Empty);
        var json = EmotionJson.ToJson("blank.mp4", result);
        Assert.That(json.ToJsonString(), Is.EqualTo(
            "{\"file\":\"blank.mp4\",\"emotion\":null,\"confidence\":null,\"frames\":4,\"tracks\":[]}"));
    }

    [Test]
    public void A_real_face_moving_across_frames_is_one_track_and_the_json_says_so()
    {
        using var detector = new HaarFaceDetector(EmotionTestData.FaceCascade);
        string face = EmotionTestData.TestFaces("happy", 10)
            .First(f =>
            {
                using var probe = EmotionTestData.FrameWithFace(f, new Rect(100, 60, 240, 240));
                return detector.Detect(probe).Count == 1;
            });
        var recognizer = new EmotionRecognizer(
            TinyModel(), detector, null, new EmotionRecognizerOptions { MinTrackFaces = 3 });

        var result = recognizer.Run(
            Frames(6, 5, i => EmotionTestData.FrameWithFace(face, new Rect(100 + 4 * i, 60, 240, 240))));

        Assert.That(result.Tracks, Has.Count.EqualTo(1));
        Assert.That(result.Tracks[0].FaceCount, Is.GreaterThanOrEqualTo(5));
        var json = EmotionJson.ToJson("clip.mp4", result);
        Assert.That(json.Select(p => p.Key), Is.EqualTo(new[] { "file", "emotion", "confidence", "frames", "tracks" }));
        var segment = json["tracks"]![0]!["segments"]![0]!.AsObject();
        Assert.That(segment.Select(p => p.Key), Is.EqualTo(new[] { "start", "end", "emotion", "confidence", "probs" }));
        Assert.That(segment["probs"]!.AsObject().Select(p => p.Key), Is.EqualTo(EmotionLabels.All));
        Assert.That((double)segment["end"]!, Is.EqualTo(1.2).Within(1e-9));   // last face at 1.0 s + one 0.2 s step
    }

    [Test]
    public void The_annotator_draws_a_box_where_the_track_is()
    {
        var recognizer = NoDetect();
        var result = recognizer.Run(Frames(2, 10, _ => new Mat(100, 100, MatType.CV_8UC3, Scalar.Black)));
        using var frame = new Mat(100, 100, MatType.CV_8UC3, Scalar.Black);
        using var untouched = frame.Clone();

        new EmotionAnnotator(result, EmotionLabels.All).Draw(frame, 1);
        new EmotionAnnotator(result, EmotionLabels.All).Draw(untouched, 5);

        Assert.That(Cv2.CountNonZero(frame.CvtColor(ColorConversionCodes.BGR2GRAY)), Is.GreaterThan(100));
        Assert.That(Cv2.CountNonZero(untouched.CvtColor(ColorConversionCodes.BGR2GRAY)), Is.EqualTo(0));
    }

    [Test]
    public void Json_files_are_written_whole()
    {
        using var temp = new TempDir();
        var recognizer = NoDetect();
        var result = recognizer.Run(Frames(1, 1, _ => new Mat(48, 48, MatType.CV_8UC1, new Scalar(10))));
        string path = Path.Combine(temp.Path, "a.json");

        EmotionJson.Write(path, "a.png", result);

        var json = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.That((string)json["file"]!, Is.EqualTo("a.png"));
        Assert.That(Directory.GetFiles(temp.Path), Has.Length.EqualTo(1));
    }

    [Test]
    public void A_scene_cut_ends_the_track_even_where_the_boxes_overlap()
    {
        var recognizer = NoDetect();

        var result = recognizer.Run(Frames(8, 10, i => new Mat(60, 80, MatType.CV_8UC3,
            i < 4 ? new Scalar(20, 20, 20) : new Scalar(230, 230, 230))));

        Assert.That(result.Tracks.Select(t => t.FaceCount), Is.EqualTo(new[] { 4, 4 }));
        Assert.That(result.Tracks[1].Segments[0].Start, Is.EqualTo(0.4).Within(1e-9));
    }

    [Test]
    public void Faces_on_a_window_boundary_after_rounding_still_make_segments()
    {
        // 12.6 + 2 * 1.0 is 14.6 in decimal but not in binary; every face must land in a window.
        var recognizer = new EmotionRecognizer(TinyModel(), null, null,
            new EmotionRecognizerOptions { NoDetect = true, WindowSeconds = 2.0 });
        var times = new[] { 12.6, 13.6, 14.6, 16.6, 18.6 };

        var frames = times.Select((t, i) =>
            new EmotionFrame(i, t, new Mat(48, 48, MatType.CV_8UC1, new Scalar(100 + i)))).ToList();

        var result = recognizer.Run(frames);
        frames.ForEach(f => f.Image.Dispose());

        var segments = result.Tracks.Single().Segments;
        Assert.That(segments.Sum(s => s.Faces), Is.EqualTo(5));
        Assert.That(segments.All(s => s.Faces > 0), Is.True);
    }

    // Frames at 10 fps from 4.2 s, 2 s windows: (8.2 - 4.2) / 2 is 1.9999999999999996 in binary, and
    // the face at 8.2 made a one-face segment of window 1 (8.2-8.333) beside window 2's (8.333-...).
    [Test]
    public void A_face_on_a_window_edge_opens_the_next_window_not_a_segment_of_its_own()
    {
        var recognizer = new EmotionRecognizer(TinyModel(), null, null,
            new EmotionRecognizerOptions { NoDetect = true, WindowSeconds = 2.0 });
        var frames = Enumerable.Range(42, 43).Select(n =>
            new EmotionFrame(n, n / 10.0, new Mat(48, 48, MatType.CV_8UC1, new Scalar(n)))).ToList();

        var result = recognizer.Run(frames);
        frames.ForEach(f => f.Image.Dispose());

        var segments = result.Tracks.Single().Segments;
        Assert.That(segments.Select(s => Math.Round(s.Start, 6)), Is.EqualTo(new[] { 4.2, 6.2, 8.2 }));
        Assert.That(segments.Select(s => s.Faces), Is.EqualTo(new[] { 20, 20, 3 }));
    }
}
