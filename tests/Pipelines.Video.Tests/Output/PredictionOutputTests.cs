using System.Text.Json.Nodes;
using Pipelines.Video.Decoding;
using Pipelines.Video.Output;
using Pipelines.Video.Prediction;
using Pipelines.Video.Tests.Support;
using Rnn.Core;

namespace Pipelines.Video.Tests.Output;

[TestFixture]
public sealed class PredictionOutputTests
{
    private static readonly PredictorConfig Small = new()
    {
        FrameSize = 32, Patch = 4, Hidden = new[] { 4 }, ContextFrames = 4, FutureFrames = 3,
    };

    private string dir = "";

    [SetUp]
    public void SetUp() => dir = TestClips.TempFolder();

    [TearDown]
    public void TearDown() => Directory.Delete(dir, recursive: true);

    [Test]
    public void H264Clip_IsResizedPredictedScoredAndWritten()
    {
        var model = new ConvLstmPredictor(Small, new Rng(1));

        var options = new ClipPredictionOptions { StartSeconds = 0.5 };
        var result = ClipPredictor.Predict(model, TestClips.H264Square, options);
        var (files, video, _) = PredictionWriter.Write(result, Path.Combine(dir, "out"), "square.mp4");

        Assert.That(result.Resized, Is.True);
        Assert.That(result.Times[0], Is.EqualTo(0.5).Within(1e-3));
        Assert.That((result.Context.Length, result.Truth.Length, result.Predicted.Length), Is.EqualTo((4, 3, 3)));
        Assert.That(result.Baseline.MeanMseSum, Is.GreaterThan(0), "the square moves, so copying the last frame errs");
        Assert.That(files.Select(Path.GetFileName), Is.EquivalentTo(new[]
        {
            "predicted-01.png", "predicted-02.png", "predicted-03.png", "strip.png", "prediction.mp4", "metrics.json",
        }));
        Assert.That(Directory.GetDirectories(Path.Combine(dir, "out")), Is.Empty, "no staging folder left");
        Assert.That(video, Is.EqualTo((64, 64, 7)));

        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "out", "metrics.json")))!;
        Assert.That(metrics["mse"]!.GetValue<double>(), Is.EqualTo(result.Scores.MeanMseSum).Within(1e-9));
        Assert.That(metrics["baseline_mse"]!.GetValue<double>(), Is.EqualTo(result.Baseline.MeanMseSum).Within(1e-9));
        Assert.That(metrics["source_size"]!.GetValue<string>(), Is.EqualTo("64x48"));
        // The sampling (--fps, --stride) as the times of the frames read.
        Assert.That(metrics["frame_times"]!.AsArray().Select(t => t!.GetValue<double>()), Is.EqualTo(result.Times));
        Assert.That(metrics["sampled_fps"]!.GetValue<double>(), Is.EqualTo(result.SampledFps).Within(1e-9));

        using var strip = OpenCvSharp.Cv2.ImRead(Path.Combine(dir, "out", "strip.png"));
        Assert.That(strip.Height, Is.EqualTo(3 * (64 + 4) + 4), "three rows of 2x frames");
    }

    [Test]
    public void FailedWrite_LeavesNothingBehind()
    {
        // No frames at all: the video step fails after the PNGs and the strip were staged.
        var info = new VideoInfo("x.mp4", 64, 64, 10, 0, "h264");
        var empty = new Pipelines.Video.Metrics.FrameScores([], [], []);
        var nothing = new ClipPrediction(info, 64, 1, [], [], [], [0.0], empty, empty, []);
        string target = Path.Combine(dir, "never");

        Assert.Throws<ArgumentException>(() => PredictionWriter.Write(nothing, target, "x.mp4"));

        Assert.That(Directory.Exists(target), Is.False);
    }

    // Checked again after the outputs are staged, as the folder may change during the prediction:
    // the earlier files stay where they were, the staging folder goes.
    [Test]
    public void FolderInTheWayAtTheSwap_ThrowsAndLeavesTheEarlierPrediction()
    {
        var model = new ConvLstmPredictor(Small, new Rng(1));
        var result = ClipPredictor.Predict(model, TestClips.H264Square, new ClipPredictionOptions());
        string target = Path.Combine(dir, "out");
        PredictionWriter.Write(result, target, "square.mp4");
        File.Delete(Path.Combine(target, "metrics.json"));
        Directory.CreateDirectory(Path.Combine(target, "metrics.json"));
        var before = Directory.GetFileSystemEntries(target).Order(StringComparer.Ordinal)
            .Select(p => (p, File.Exists(p) ? File.ReadAllBytes(p).Length : -1)).ToArray();

        var e = Assert.Throws<OutputInTheWayException>(() => PredictionWriter.Write(result, target, "square.mp4"));

        Assert.That(e!.Path, Is.EqualTo(Path.Combine(target, "metrics.json")));
        Assert.That(e.Reason, Is.EqualTo("a folder is in the way of metrics.json"));
        var after = Directory.GetFileSystemEntries(target).Order(StringComparer.Ordinal)
            .Select(p => (p, File.Exists(p) ? File.ReadAllBytes(p).Length : -1)).ToArray();
        Assert.That(after, Is.EqualTo(before));
    }

    [Test]
    public void TooShortClip_SaysHowManyFramesItNeeds()
    {
        var model = new ConvLstmPredictor(Small, new Rng(1));
        var options = new ClipPredictionOptions { StartSeconds = 2.5 };

        var e = Assert.Throws<VideoFormatException>(() => ClipPredictor.Predict(model, TestClips.H264Square, options));

        Assert.That(e!.Reason, Does.Contain("too short: 5 frame(s) from 2.5 s").And.Contain("need 7"));
    }
}
