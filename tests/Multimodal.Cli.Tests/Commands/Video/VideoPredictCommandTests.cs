using System.Text.Json.Nodes;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Commands.Video;

/// <summary><c>video predict</c> end to end on real files, and its bad-input lines.</summary>
[TestFixture]
public sealed class VideoPredictCommandTests
{
    private TempFolder temp = null!;
    private string model = null!;

    [SetUp]
    public void SetUp()
    {
        temp = new TempFolder();
        model = VideoFiles.TinyModel(temp.Sub("model"));
    }

    [TearDown]
    public void TearDown() => temp.Dispose();

    [Test]
    public void H264Example_WritesFramesStripVideoAndMetrics()
    {
        string outDir = Path.Combine(temp.Path, "out");

        var run = CliRun.Invoke(
            ["video", "predict", VideoFiles.ExampleClip, "--model", model, "--out", outDir, "--at", "1"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain("h264 128x128").And.Contain("resized 128x128 -> 64x64"));
        Assert.That(run.Out, Does.Contain("from 1 s to 2.9 s").And.Contain("copy-last-frame baseline"));
        Assert.That(run.Out, Does.Contain("prediction.mp4: 128x128, 20 frames"));
        var names = Directory.GetFiles(outDir).Select(Path.GetFileName).ToArray();
        Assert.That(names, Has.Length.EqualTo(13));
        Assert.That(names, Does.Contain("predicted-10.png").And.Contain("strip.png").And.Contain("metrics.json"));
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!;
        Assert.That(metrics["baseline_mse"]!.GetValue<double>(), Is.GreaterThan(0));
        Assert.That(metrics["per_frame"]!["mse"]!.AsArray(), Has.Count.EqualTo(10));
    }

    // One frame per 1/fps seconds takes every frame of a 10 fps clip at any higher rate: said, not silent.
    [Test]
    public void FpsAboveTheClipsRate_IsAWarning()
    {
        var run = CliRun.Invoke(["video", "predict", VideoFiles.ExampleClip, "--model", model,
            "--out", Path.Combine(temp.Path, "out"), "--fps", "1000"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Error,
            Does.Match(@"warning: .*: --fps 1000 is above the clip's [\d.]+ fps: every frame was taken"));
    }

    // A clip where nothing moves leaves the copy-last-frame baseline no error: no ratio over ~0
    // (it printed 973689 for a static clip), a dash and the reason; a moving clip keeps its ratio.
    [Test]
    public void AStaticClip_HasNoBaselineRatio()
    {
        string still = Path.Combine(temp.Path, "still.avi");
        Pipelines.Video.Decoding.OpenCvRuntime.EnsureLoaded();
        using (var writer = new OpenCvSharp.VideoWriter(still, OpenCvSharp.FourCC.MJPG, 10,
            new OpenCvSharp.Size(64, 64), true))
        using (var frame = new OpenCvSharp.Mat(64, 64, OpenCvSharp.MatType.CV_8UC3, new OpenCvSharp.Scalar(90, 90, 90)))
        {
            for (int n = 0; n < 20; n++)
            {
                writer.Write(frame);
            }
        }

        var run = CliRun.Invoke(["video", "predict", still, "--model", model, "--out", Path.Combine(temp.Path, "s")]);
        var moving = CliRun.Invoke(["video", "predict", VideoFiles.ExampleClip, "--model", model,
            "--out", Path.Combine(temp.Path, "m")]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain(
            "; ratio - (the last context frame already matches the predicted frames: nothing moves)"));
        Assert.That(moving.Out, Does.Match(@"; ratio \d+\.\d{3}"));
    }

    // A clip named like one of the outputs, predicted into its own folder, would be replaced by
    // that output: refused before anything is read or written, the clip untouched.
    [TestCase("prediction.mp4")]
    [TestCase("predicted-03.png")]
    public void AClipNamedLikeAnOutputOfItsOwnOutFolder_IsRefused(string name)
    {
        string folder = temp.Sub("clips");
        string clip = Path.Combine(folder, name);
        File.Copy(VideoFiles.ExampleClip, clip);
        byte[] before = File.ReadAllBytes(clip);

        var run = CliRun.Invoke(["video", "predict", clip, "--model", model, "--out", folder]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        Assert.That(run.Error.Trim(), Is.EqualTo(
            $"error: {clip}: video predict writes a file of this name into {folder}, replacing the clip; " +
            "choose another --out"));
        Assert.That(File.ReadAllBytes(clip), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(folder), Has.Length.EqualTo(1));
    }

    // In a folder that holds no earlier prediction (no metrics.json), a file named like an output that
    // this run does not write is the user's: it stays (it was removed as "an earlier prediction").
    [Test]
    public void AFileNamedLikeAnOutputInAFolderWithoutAPrediction_IsKept()
    {
        string outDir = Path.Combine(temp.Path, "mine");
        Directory.CreateDirectory(outDir);
        string theirs = Path.Combine(outDir, "predicted-10.png");
        File.WriteAllText(theirs, "not ours");

        var run = CliRun.Invoke(["video", "predict", VideoFiles.ExampleClip, "--model", model, "--out", outDir,
            "--frames", "3"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(File.ReadAllText(theirs), Is.EqualTo("not ours"));
        Assert.That(run.Out, Does.Not.Contain("replaced"));
    }

    // A rerun with fewer frames used to leave the first run's predicted-06..10.png beside the new
    // files, so the folder mixed two runs. Now the earlier prediction is replaced whole, and files
    // of other names (the user's) stay.
    [Test]
    public void RerunWithFewerFrames_ReplacesTheEarlierPredictionWholeAndKeepsOtherFiles()
    {
        string outDir = Path.Combine(temp.Path, "out");
        string[] first = ["video", "predict", VideoFiles.ExampleClip, "--model", model, "--out", outDir];
        Assert.That(CliRun.Invoke(first).ExitCode, Is.EqualTo(ExitCodes.Success));
        File.WriteAllText(Path.Combine(outDir, "notes.txt"), "mine");

        var run = CliRun.Invoke([.. first, "--frames", "5"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        var names = Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.That(names, Is.EqualTo(new[]
        {
            "metrics.json", "notes.txt", "predicted-01.png", "predicted-02.png", "predicted-03.png",
            "predicted-04.png", "predicted-05.png", "prediction.mp4", "strip.png",
        }));
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!;
        Assert.That(metrics["future_frames"]!.GetValue<int>(), Is.EqualTo(5));
        Assert.That(run.Out, Does.Contain($"wrote 8 files to {outDir} ").And.Contain(
            "replaced the 13 files of an earlier prediction there"));
    }

    // A folder where an output goes used to stop the run with .NET's "Is a directory" after the
    // PNGs were moved in: now one line names it before any work, and the folder is left as it was.
    [Test]
    public void AFolderInTheWayOfAnOutput_IsOneLineAndLeavesTheOutFolderAsItWas()
    {
        string outDir = Path.Combine(temp.Path, "out");
        string[] args = ["video", "predict", VideoFiles.ExampleClip, "--model", model, "--out", outDir];
        Assert.That(CliRun.Invoke(args).ExitCode, Is.EqualTo(ExitCodes.Success));
        File.Delete(Path.Combine(outDir, "strip.png"));
        string blocking = Directory.CreateDirectory(Path.Combine(outDir, "strip.png")).FullName;
        var before = Snapshot(outDir);

        var run = CliRun.Invoke([.. args, "--frames", "5"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        Assert.That(run.Error.Trim(), Is.EqualTo($"error: {blocking}: a folder is in the way of strip.png, " +
            "an output of video predict; move it away or choose another --out"));
        Assert.That(run.Out, Is.Empty);
        Assert.That(Snapshot(outDir), Is.EqualTo(before));
    }

    [Test]
    public void AFolderInTheWayInANewOutFolder_LeavesOnlyThatFolder()
    {
        string outDir = Path.Combine(temp.Path, "out");
        string blocking = Directory.CreateDirectory(Path.Combine(outDir, "predicted-03.png")).FullName;

        var run = CliRun.Invoke(["video", "predict", VideoFiles.ExampleClip, "--model", model, "--out", outDir]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        Assert.That(run.Error.Trim(), Does.StartWith($"error: {blocking}: a folder is in the way of predicted-03.png"));
        Assert.That(Directory.GetFileSystemEntries(outDir), Is.EqualTo(new[] { blocking }));
        Assert.That(Directory.GetFileSystemEntries(blocking), Is.Empty);
    }

    // Every entry under the folder: its relative path and, for a file, its bytes as base64.
    private static string[] Snapshot(string folder) => Directory
        .GetFileSystemEntries(folder, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(p => Path.GetRelativePath(folder, p) + "=" +
            (File.Exists(p) ? Convert.ToBase64String(File.ReadAllBytes(p)) : "folder"))
        .ToArray();

    [Test]
    public void MjpgAviOfAnotherSize_IsResizedAndSaysSo()
    {
        string clip = VideoFiles.Clip(Path.Combine(temp.Path, "wide.avi"), "MJPG", 24, 96, 72);

        var run = CliRun.Invoke(["video", "predict", clip, "--model", model, "--context", "4", "--frames", "3"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain("MJPG 96x72").And.Contain("resized 96x72 -> 64x64"));
        Assert.That(run.Out, Does.Contain("trained with 10 context and 10 predicted frames; this run uses 4 and 3"));
        Assert.That(File.Exists(Path.Combine(temp.Path, "wide-prediction", "predicted-03.png")), Is.True);
    }

    [Test]
    public void BadClips_OneLineEach_ExitOne_NothingWritten()
    {
        string junk = Path.Combine(temp.Path, "junk.mp4");
        File.WriteAllBytes(junk, Enumerable.Range(0, 3000).Select(i => (byte)(i * 13 % 256)).ToArray());
        string empty = VideoFiles.Clip(Path.Combine(temp.Path, "empty.avi"), "MJPG", 0, 64, 64);
        string shortClip = VideoFiles.Clip(Path.Combine(temp.Path, "short.avi"), "MJPG", 12, 64, 64);
        var cases = new (string Clip, string Reason)[]
        {
            (Path.Combine(temp.Path, "missing.mp4"), "file not found"),
            (junk, "cannot be opened as video"),
            (empty, "'"),   // OpenCV either refuses the empty AVI or finds no frame in it: both name the file
            (shortClip, "too short: 12 frame(s), but 10 context + 10 predicted frames need 20"),
        };

        foreach (var (clip, reason) in cases)
        {
            string outDir = Path.Combine(temp.Path, "out-" + Path.GetFileNameWithoutExtension(clip));
            var run = CliRun.Invoke(["video", "predict", clip, "--model", model, "--out", outDir]);

            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), clip);
            var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(lines, Has.Length.EqualTo(1), run.Error);
            Assert.That(lines[0], Does.StartWith($"error: {clip}: ").And.Contain(reason));
            Assert.That(Directory.Exists(outDir), Is.False, $"{clip}: nothing may be written");
        }
    }

    // Ctrl-C used to kill the process with no line; now the prediction stops before anything is
    // written (the folder it made for the outputs included).
    [Test]
    public void StoppedByCtrlC_SaysSoAndWritesNothing()
    {
        string outDir = Path.Combine(temp.Path, "out");
        using var ctrlC = new CancellationTokenSource();
        ctrlC.Cancel();

        var run = CliRun.Invoke(["video", "predict", VideoFiles.ExampleClip, "--model", model, "--out", outDir],
            cancellation: ctrlC.Token);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Interrupted), run.Error);
        Assert.That(run.Error.Trim(),
            Is.EqualTo($"interrupted: video predict stopped before writing to {outDir}; nothing was written"));
        Assert.That(run.Out, Is.Empty);
        Assert.That(Directory.Exists(outDir), Is.False);
    }

    [Test]
    public void TruncatedMp4_SaysTruncatedWithTheFrameCountsNotJustTooShort()
    {
        // The example's boxes are ftyp, moov, free, mdat; cut at half, 4 of its 40 frames decode.
        byte[] whole = File.ReadAllBytes(VideoFiles.ExampleClip);
        string cut = Path.Combine(temp.Path, "cut.mp4");
        File.WriteAllBytes(cut, whole[..(whole.Length / 2)]);

        var run = CliRun.Invoke(["video", "predict", cut, "--model", model, "--out", temp.Sub("out-cut")]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), run.Error);
        Assert.That(lines[0], Does.StartWith($"error: {cut}: the file appears truncated"));
        Assert.That(lines[0], Does.Contain("decoding stopped after 4 frames").And.Contain("header announces 40")
            .And.Contain($"the file ends at byte {whole.Length / 2}").And.Contain("'mdat'")
            .And.Contain("10 context + 10 predicted frames need 20"));
    }

    [Test]
    public void NotAModel_IsOneLine()
    {
        var run = CliRun.Invoke(["video", "predict", VideoFiles.ExampleClip, "--model", temp.Sub("empty")]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error.Trim(), Does.StartWith("error: ").And.Contain("not a usable next-frame model"));
    }

    [Test]
    public void StrideAndFpsTogether_IsRefused()
    {
        var run = CliRun.Invoke(["video", "predict", VideoFiles.ExampleClip, "--model", model, "--stride", "2",
            "--fps", "5"]);

        // A command-line mistake: exit 2, before the model or the clip is read.
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Error, Does.StartWith("error: choose --stride or --fps, not both"));
    }

    [TestCase("-3")]
    [TestCase("0")]
    public void ANonPositiveFps_IsAUsageError(string fps)
    {
        var run = CliRun.Invoke(["video", "predict", VideoFiles.ExampleClip, "--model", model, "--fps", fps]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.Error);
        Assert.That(run.Error, Does.StartWith($"error: --fps must be a positive rate; got {fps}"));
    }
}
