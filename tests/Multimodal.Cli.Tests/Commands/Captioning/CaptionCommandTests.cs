using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Multimodal.Cli.Commands;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Multimodal.Cli.Tests.Commands.Captioning;

/// <summary>
/// <c>train caption</c>, <c>caption</c> and <c>eval caption</c> end to end on nine tiny generated
/// pictures with the small-CNN encoder (16 px, hidden 16), so no package file is needed.
/// </summary>
[TestFixture]
public sealed class CaptionCommandTests
{
    private static readonly (string Name, Rgb24 Colour, string Caption)[] Pictures =
    [
        ("red1.png", new Rgb24(220, 30, 30), "a picture in red"),
        ("red2.png", new Rgb24(200, 40, 20), "a picture in red"),
        ("red3.png", new Rgb24(230, 20, 40), "a picture in red"),
        ("blue1.png", new Rgb24(30, 30, 220), "a picture in blue"),
        ("blue2.png", new Rgb24(20, 50, 200), "a picture in blue"),
        ("blue3.png", new Rgb24(40, 20, 230), "a picture in blue"),
        ("green1.png", new Rgb24(30, 200, 30), "a picture in green"),
        ("green2.png", new Rgb24(40, 220, 50), "a picture in green"),
        ("green3.png", new Rgb24(20, 230, 40), "a picture in green"),
    ];

    // Held out as the "dev" split: new pictures of colours the model has seen.
    private static readonly (string Name, Rgb24 Colour, string Caption)[] Dev =
    [
        ("red9.png", new Rgb24(210, 35, 25), "a picture in red"),
        ("blue9.png", new Rgb24(25, 35, 210), "a picture in blue"),
    ];

    private TempFolder temp = null!;
    private string images = null!;
    private string captions = null!;
    private string model = null!;

    [OneTimeSetUp]
    public void TrainOnce()
    {
        temp = new TempFolder();
        images = temp.Sub("images");
        foreach (var (name, colour, _) in Pictures.Concat(Dev))
        {
            using var image = new Image<Rgb24>(16, 16, colour);
            image.Save(Path.Combine(images, name));
        }

        captions = Path.Combine(temp.Path, "captions.tsv");
        File.WriteAllLines(captions, new[] { "image\tsplit\tcaption" }
            .Concat(Pictures.Select(p => $"{p.Name}\ttrain\t{p.Caption} ."))
            .Concat(Dev.Select(p => $"{p.Name}\tdev\t{p.Caption} .")));
        model = Path.Combine(temp.Path, "model");
        var run = Train();
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error + run.Out);
    }

    [OneTimeTearDown]
    public void TearDown() => temp.Dispose();

    private CliRun Train(params string[] extra) => CliRun.Invoke([
        "train", "caption", "--images", images, "--captions", captions, "--out", model, "--encoder", "small-cnn",
        "--image-size", "16", "--cnn-channels", "8,16", "--embed", "8", "--hidden", "16", "--epochs", "40",
        "--batch", "1", "--dropout", "0", "--lr", "0.01",
        "--min-count", "1", "--valid-images", "0", "--patience", "0", "--beam", "1", "--quiet", .. extra]);

    [Test]
    public void TrainWritesAModelAndResumes()
    {
        Assert.That(File.Exists(Path.Combine(model, "config.json")), Is.True);
        Assert.That(File.Exists(Path.Combine(model, "weights.safetensors")), Is.True);
        var again = Train("--resume");
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Success), again.Error);
        Assert.That(again.Out, Does.Contain("features: 9 images cached"));
        Assert.That(again.Out, Does.Contain("all epochs already done").Or.Contain("resuming from"));
        Assert.That(again.Out, Does.Not.Contain("training from scratch"));
    }

    // Killed after the last checkpoint of a resumed, longer run, before it saved: the folder still held
    // the shorter run's weights and card, and the resume that saved the longer run's weights kept that
    // card ("1 of 1 epochs"). The weights it saves differ from the folder's, so they get their own card.
    [Test]
    public void ResumeThatSavesOtherWeightsThanTheFoldersWritesTheirCard()
    {
        string output = Path.Combine(temp.Path, "stages");
        CliRun Stage(int epochs, bool resume) => CliRun.Invoke([
            "train", "caption", "--images", images, "--captions", captions, "--out", output, "--encoder",
            "small-cnn", "--image-size", "16", "--cnn-channels", "8,16", "--embed", "8", "--hidden", "16",
            "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--batch", "1",
            "--min-count", "1", "--valid-images", "0", "--beam", "1", "--quiet",
            .. resume ? new[] { "--resume" } : []]);
        Assert.That(Stage(1, resume: false).ExitCode, Is.EqualTo(ExitCodes.Success));
        string shorter = Path.Combine(temp.Path, "stage-1");
        Directory.CreateDirectory(shorter);
        string[] files = ["weights.safetensors", "config.json", "MODEL_CARD.md"];
        foreach (string file in files)
        {
            File.Copy(Path.Combine(output, file), Path.Combine(shorter, file));
        }

        Assert.That(Stage(2, resume: true).ExitCode, Is.EqualTo(ExitCodes.Success));
        foreach (string file in files)
        {
            File.Copy(Path.Combine(shorter, file), Path.Combine(output, file), overwrite: true);
        }

        var run = Stage(2, resume: true);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(File.ReadAllText(Path.Combine(output, "MODEL_CARD.md")), Does.Contain("- trained: 2 of 2 epochs"));
    }

    // A resume with another model size or split is refused naming the option (another --hidden
    // used to surface as a weight-shape error naming none), and the model folder is left alone.
    [TestCase("--hidden", "24", "--hidden is 16 in the checkpoint, 24 now")]
    [TestCase("--seed", "5", "--seed is 1 in the checkpoint, 5 now")]
    [TestCase("--lr", "0.02", "--lr is 0.01 in the checkpoint, 0.02 now")]
    [TestCase("--patience", "2", "--patience is 0 in the checkpoint, 2 now")]
    [TestCase("--image-size", "24", "--image-size is 16 in the checkpoint, 24 now")]
    [TestCase("--encoder", "resnet18", "--encoder is small-cnn in the checkpoint, resnet18 now")]
    [TestCase("--beam", "3", "--beam is 1 in the checkpoint, 3 now")]
    public void ResumeWithAChangedOptionIsRefusedNamingIt(string option, string value, string expected)
    {
        var weights = File.ReadAllBytes(Path.Combine(model, "weights.safetensors"));
        var cache = CacheFiles();
        string[] args =
        [
            "train", "caption", "--images", images, "--captions", captions, "--out", model, "--encoder", "small-cnn",
            "--image-size", "16", "--cnn-channels", "8,16", "--embed", "8", "--hidden", "16", "--epochs", "40",
            "--batch", "1", "--dropout", "0", "--lr", "0.01", "--min-count", "1", "--valid-images", "0",
            "--patience", "0", "--beam", "1", "--quiet", "--resume",
        ];
        int at = Array.IndexOf(args, option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args = [.. args, option, value];
        }

        var run = CliRun.Invoke(args);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        Assert.That(run.Error, Does.Contain(": cannot resume: ").And.Contain(expected));
        Assert.That(File.ReadAllBytes(Path.Combine(model, "weights.safetensors")), Is.EqualTo(weights));
        // Refused before any image is encoded: another encoder or size used to re-encode every image
        // first, replacing the cache the checkpoint's run (and the next right resume) needs.
        Assert.That(run.Out, Does.Not.Contain("features:"));
        Assert.That(CacheFiles(), Is.EqualTo(cache));
    }

    // The feature cache's files with their contents, by name.
    private Dictionary<string, byte[]> CacheFiles() =>
        Directory.GetFiles(Path.Combine(model, "cache")).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    // Like the other train verbs: --resume with nothing to resume says so before the images are encoded.
    [Test]
    public void ResumeInAnEmptyFolderSaysItTrainsFromScratchBeforeEncoding()
    {
        string elsewhere = Path.Combine(temp.Path, "fresh-model");

        var run = CliRun.Invoke([
            "train", "caption", "--images", images, "--captions", captions, "--out", elsewhere, "--encoder",
            "small-cnn", "--image-size", "16", "--cnn-channels", "8,16", "--embed", "8", "--hidden", "16",
            "--epochs", "1", "--batch", "4", "--min-count", "1", "--valid-images", "0", "--beam", "1", "--quiet",
            "--resume"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        string notice = $"train caption: no checkpoint in {Path.Combine(elsewhere, "checkpoints")}; " +
            "training from scratch";
        Assert.That(run.Out, Does.Contain(notice));
        Assert.That(run.Out.IndexOf(notice, StringComparison.Ordinal),
            Is.LessThan(run.Out.IndexOf("features:", StringComparison.Ordinal)), run.Out);
    }

    [Test]
    public void BadFilesInAFolderGetOneLineEachAndTheRestAreCaptioned()
    {
        using var dir = new TempFolder();
        string folder = dir.Sub("mixed");
        File.Copy(Path.Combine(images, "red1.png"), Path.Combine(folder, "good.png"));
        File.WriteAllBytes(Path.Combine(folder, "empty.jpg"), []);
        File.WriteAllText(Path.Combine(folder, "readme.txt"), "not a picture");
        File.WriteAllBytes(Path.Combine(folder, "cut.jpg"), TruncatedJpeg());
        File.WriteAllBytes(Path.Combine(folder, "corrupt.jpg"), [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5, 0xFF, 0xD9]);
        File.WriteAllBytes(Path.Combine(folder, "huge.png"), TestPng.HugeHeader(1, 500_000_000));

        var run = CliRun.Invoke(["caption", folder, "--model", model, "--quiet"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Out.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(run.Out, Does.StartWith(Path.Combine(folder, "good.png") + "\tA picture in red"));
        var errors = run.Error.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToArray();
        Assert.That(errors, Has.Length.EqualTo(5), run.Error);
        Assert.That(run.Error, Does.Contain("empty.jpg: empty file (0 bytes)"));
        Assert.That(run.Error, Does.Contain("readme.txt: not an image format"));
        Assert.That(run.Error, Does.Contain("cut.jpg: truncated JPEG"));
        Assert.That(run.Error, Does.Contain("huge.png: PNG header declares 1 x 500000000"));
        Assert.That(run.Error, Does.Contain("1 succeeded, 5 failed, 0 skipped"));
    }

    // When every image fails, no output file is made: no empty .jsonl, no header-only .csv, no
    // empty gallery, as transcribe and the video verbs leave nothing in the same case.
    [TestCase("captions.jsonl")]
    [TestCase("captions.csv")]
    public void NothingCaptionedWritesNoOutputFile(string name)
    {
        using var dir = new TempFolder();
        string bad = Path.Combine(dir.Path, "bad.jpg");
        File.WriteAllText(bad, "not a picture");
        string outFile = Path.Combine(dir.Path, name), html = Path.Combine(dir.Path, "gallery.html");

        var run = CliRun.Invoke(["caption", bad, "--model", model, "--out", outFile, "--html", html]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        Assert.That(run.Error, Does.Contain("0 succeeded, 1 failed"));
        Assert.That(File.Exists(outFile), Is.False, "no caption file");
        Assert.That(File.Exists(html), Is.False, "no gallery");
    }

    [Test]
    public void JsonlOutResumesAndCsvAndHtmlAreWritten()
    {
        using var dir = new TempFolder();
        string outFile = Path.Combine(dir.Path, "captions.jsonl");
        var first = CliRun.Invoke(["caption", Path.Combine(images, "red1.png"), "--model", model, "--out", outFile]);
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.Error);
        var second = CliRun.Invoke(["caption", images, "--model", model, "--out", outFile, "--html",
            Path.Combine(dir.Path, "gallery.html")]);
        Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.Success), second.Error);
        Assert.That(second.Error, Does.Contain("10 succeeded, 0 failed, 1 skipped"));

        var lines = File.ReadAllLines(outFile).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();
        Assert.That(lines, Has.Length.EqualTo(11));
        Assert.That(lines.Select(l => Path.GetFileName(l["file"]!.GetValue<string>())), Is.Unique);
        Assert.That(lines[0]["caption"]!.GetValue<string>(), Is.EqualTo("A picture in red"));
        Assert.That(lines[0]["score"]!.GetValue<double>(), Is.LessThanOrEqualTo(0));

        string html = File.ReadAllText(Path.Combine(dir.Path, "gallery.html"));
        var thumbnails = System.Text.RegularExpressions.Regex.Matches(html, "data:image/jpeg;base64,");
        Assert.That(thumbnails.Count, Is.EqualTo(11));
        Assert.That(html, Does.Not.Contain("http").And.Not.Contain("<script"));

        string csv = Path.Combine(dir.Path, "captions.csv");
        var run = CliRun.Invoke(["caption", images, "--model", model, "-o", csv, "--quiet"]);   // -o: --out
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        var rows = File.ReadAllLines(csv);
        Assert.That(rows[0], Is.EqualTo("file,caption,score"));
        Assert.That(rows, Has.Length.EqualTo(12));
    }

    // Two runs writing one --out (or --html) file at once each rewrote it whole, so the first to
    // finish lost its lines; the second now stops at once, leaving the file to the first.
    [TestCase("--out", "held.jsonl")]
    [TestCase("--html", "held.html")]
    public void AnOutputHeldByAnotherRunIsRefusedBeforeAnyWork(string option, string name)
    {
        using var dir = new TempFolder();
        string output = Path.Combine(dir.Path, name);
        File.WriteAllText(output, "");
        using var other = Multimodal.Cli.Batch.OutputLock.Acquire(output, "caption run");

        var run = CliRun.Invoke(["caption", Path.Combine(images, "red1.png"), "--model", model, option, output]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        Assert.That(run.Error.Trim(), Does.StartWith(
            $"error: {output}: in use by another caption run (pid {Environment.ProcessId})"));
        Assert.That(run.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(File.ReadAllText(output), Is.Empty);
    }

    // The lock is released at the end, and one a killed run left behind in an input folder is
    // neither an image to caption nor in the way.
    [Test]
    public void TheLockFileIsGoneAfterARunAndAStaleOneIsNoInput()
    {
        using var dir = new TempFolder();
        string folder = dir.Sub("photos");
        File.Copy(Path.Combine(images, "red1.png"), Path.Combine(folder, "red1.png"));
        string output = Path.Combine(folder, "captions.jsonl");
        File.WriteAllText(Path.Combine(folder, ".captions.jsonl.lock"), "999999\n");

        var run = CliRun.Invoke(["caption", folder, "--model", model, "--out", output, "--quiet"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(File.ReadAllLines(output), Has.Length.EqualTo(1));
        Assert.That(File.Exists(Path.Combine(folder, ".captions.jsonl.lock")), Is.False);
    }

    [Test]
    public void ARerunSkipsAFileSpelledAnotherWayAndKeepsTheFirstSpelling()
    {
        using var dir = new TempFolder();
        string good = dir.Sub("good");
        string image = Path.Combine(good, "x.png");
        File.Copy(Path.Combine(images, "red1.png"), image);
        string outFile = Path.Combine(dir.Path, "captions.jsonl");
        string dotted = Path.Combine(dir.Path, ".", "good", "..", "good", "x.png");
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, image);

        var first = CliRun.Invoke(["caption", image, "--model", model, "--out", outFile]);
        var again = CliRun.Invoke(["caption", dotted, relative, good, "--model", model, "--out", outFile]);

        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.Error);
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Success), again.Error);
        Assert.That(again.Error, Does.Contain("0 succeeded, 0 failed, 1 skipped"));
        var files = File.ReadAllLines(outFile).Select(l => JsonNode.Parse(l)!["file"]!.GetValue<string>());
        Assert.That(files, Is.EqualTo(new[] { image }), "written as first spelled, once");
    }

    [Test]
    public void AFileGivenTwiceIsCaptionedOnceWithAWarningAsTranscribeDoes()
    {
        using var dir = new TempFolder();
        string image = Path.Combine(dir.Path, "x.png");
        File.Copy(Path.Combine(images, "red1.png"), image);
        string dotted = Path.Combine(dir.Path, ".", "x.png");

        var run = CliRun.Invoke(["caption", image, dotted, "--model", model]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[] { $"{image}\tA picture in red" }));
        var warnings = run.Error.Split('\n').Where(l => l.StartsWith("warning: ", StringComparison.Ordinal));
        Assert.That(warnings,
            Is.EqualTo(new[] { $"warning: {dotted}: given more than once (also as {image}); captioned once" }));
        Assert.That(run.Error, Does.Contain("1 succeeded, 0 failed, 0 skipped"));
    }

    // A bad input named twice (the same missing path, a pipe in a folder and named directly, an
    // empty file in a folder and named directly) had its error line printed, and was counted as a
    // failure, once for each time it was named.
    [Test]
    public void ABadFileGivenTwiceIsReportedAndCountedOnce()
    {
        using var dir = new TempFolder();
        string folder = dir.Sub("in");
        string good = Path.Combine(folder, "good.png");
        File.Copy(Path.Combine(images, "red1.png"), good);
        string empty = Path.Combine(folder, "empty.png");
        File.WriteAllBytes(empty, []);
        string text = Path.Combine(folder, "notes.png");
        File.WriteAllText(text, "not a picture");
        byte[] png = File.ReadAllBytes(good);
        string cut = Path.Combine(folder, "cut.png");
        File.WriteAllBytes(cut, png[..(png.Length / 2)]);
        string pipe = Path.Combine(folder, "pipe.png");
        NamedPipes.Make(pipe);
        string missing = Path.Combine(dir.Path, "nope.png");

        var run = CliRun.Invoke(["caption", missing, missing, pipe, folder, Path.Combine(folder, ".", "empty.png"),
            cut, "--model", model]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        Assert.That(run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[] { $"{good}\tA picture in red" }));
        var errors = run.Error.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToArray();
        Assert.That(errors.Select(e => e[..e.IndexOf(": ", 7, StringComparison.Ordinal)]), Is.EqualTo(new[]
        {
            $"error: {missing}", $"error: {pipe}", $"error: {cut}", $"error: {empty}", $"error: {text}",
        }), run.Error);
        Assert.That(run.Error, Does.Contain("1 succeeded, 5 failed, 0 skipped"));
        // Known bad before any work (missing, a pipe): the error line says it all. The empty and cut
        // files are found bad only when read, so each is left out as any file given twice is.
        var warnings = run.Error.Split('\n').Where(l => l.StartsWith("warning: ", StringComparison.Ordinal));
        string twice = $"given more than once (in folder {folder} and directly); captioned once";
        Assert.That(warnings, Is.EqualTo(new[]
        {
            $"warning: {Path.Combine(folder, ".", "empty.png")}: {twice}", $"warning: {cut}: {twice}",
        }));
    }

    // A tab or newline in a file name split the "path<TAB>caption" line a script reads.
    [Test]
    public void StdoutEscapesATabOrNewlineInTheFileName()
    {
        using var dir = new TempFolder();
        string image = Path.Combine(dir.Path, "a\tb\nc.png");
        File.Copy(Path.Combine(images, "red1.png"), image);

        var run = CliRun.Invoke(["caption", image, "--model", model]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[] { $"{Path.Combine(dir.Path, "a\\tb\\nc.png")}\tA picture in red" }));
    }

    // Both were .NET's raw messages: "The file '...' already exists." and one naming the temp file.
    [Test]
    public void AnOutFileUnderAFileOrWithTooLongANameIsOneLineBeforeAnyWork()
    {
        using var dir = new TempFolder();
        string blocker = Path.Combine(dir.Path, "notes.txt");
        File.WriteAllText(blocker, "a file");
        string under = Path.Combine(blocker, "captions.jsonl");
        // 257 bytes: a name under 255 bytes is written (its temporary file's name is cut to fit).
        string longName = Path.Combine(dir.Path, new string('c', 251) + ".jsonl");

        var blocked = CliRun.Invoke(["caption", Path.Combine(images, "red1.png"), "--model", model, "--out", under]);
        var tooLong = CliRun.Invoke(["caption", Path.Combine(images, "red1.png"), "--model", model, "--out",
            longName]);

        Assert.That(blocked.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(blocked.Error.Trim(), Is.EqualTo(
            $"error: {under}: --out file cannot be written: {blocker} is a file, not a folder"));
        Assert.That(tooLong.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(tooLong.Error.Trim(), Is.EqualTo(
            $"error: {longName}: --out file name too long: 257 bytes, the limit is 255"));
        Assert.That(blocked.Out + tooLong.Out, Is.Empty, "nothing captioned");

        // 255 bytes: at the limit, and written (it was refused over 217, to leave room for the temporary name).
        string longest = Path.Combine(dir.Path, new string('c', 249) + ".jsonl");
        var fits = CliRun.Invoke(["caption", Path.Combine(images, "red1.png"), "--model", model, "--out", longest]);
        Assert.That(fits.ExitCode, Is.EqualTo(ExitCodes.Success), fits.Error);
        Assert.That(File.ReadAllText(longest), Does.Contain("red1.png"));
    }

    // The gallery was written over the image it was given ("caption x.bmp --html x.bmp", exit 0).
    // Now it is one error line before the model loads, exit 1 as for an --out file that cannot be
    // used; paths compare as the other clash checks do: another spelling, a file found in a folder.
    [Test]
    public void AnHtmlFileThatIsAnInputIsRefusedBeforeAnyWork()
    {
        using var dir = new TempFolder();
        string image = Path.Combine(dir.Path, "cap_in.png");
        File.Copy(Path.Combine(images, "red1.png"), image);
        byte[] picture = File.ReadAllBytes(image);
        string dotted = Path.Combine(dir.Path, ".", "cap_in.png");

        var direct = CliRun.Invoke(["caption", image, "--model", model, "--html", image]);
        var inFolder = CliRun.Invoke(["caption", dir.Path, "--model", model, "--html", dotted]);

        Assert.That(direct.ExitCode, Is.EqualTo(ExitCodes.Failure), direct.Error);
        Assert.That(direct.Error.Trim(), Is.EqualTo(
            $"error: {image}: --html would write over an input of this run; write the gallery to another file"));
        Assert.That(inFolder.ExitCode, Is.EqualTo(ExitCodes.Failure), inFolder.Error);
        Assert.That(inFolder.Error.Trim(), Is.EqualTo($"error: {dotted}: --html would write over an input of " +
            $"this run ({image}); write the gallery to another file"));
        Assert.That(direct.Out + inFolder.Out, Is.Empty, "nothing captioned");
        Assert.That(File.ReadAllBytes(image), Is.EqualTo(picture), "the input is untouched");
    }

    // "caption photos/ --out photos/captions.jsonl" (or --html photos/gallery.html): a rerun found its
    // own output among the photos, tried it as an image (an error line, exit 1) and then, for --html,
    // was refused. Outputs that are not images are left out of a folder's inputs; one named directly
    // is refused like the gallery above, and the file it names is left as it was.
    [Test]
    public void OwnOutputsInAnInputFolderAreLeftOutAndOneNamedDirectlyIsRefused()
    {
        using var dir = new TempFolder();
        string photos = dir.Sub("photos");
        File.Copy(Path.Combine(images, "red1.png"), Path.Combine(photos, "red1.png"));
        string captions = Path.Combine(photos, "captions.jsonl");
        string gallery = Path.Combine(photos, "gallery.html");

        var first = CliRun.Invoke(["caption", photos, "--model", model, "--out", captions, "--html", gallery]);
        var again = CliRun.Invoke(["caption", photos, "--model", model, "--out", captions, "--html", gallery]);
        byte[] before = File.ReadAllBytes(captions);
        var direct = CliRun.Invoke(["caption", Path.Combine(photos, "red1.png"), captions, "--model", model,
            "--out", captions]);

        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.Error);
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Success), again.Error);
        Assert.That(again.Error, Does.Not.Contain("error:").And.Contain("0 succeeded, 0 failed, 1 skipped"));
        Assert.That(direct.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(direct.Error.Trim(), Is.EqualTo(
            $"error: {captions}: --out would write over an input of this run; write the captions to another file"));
        Assert.That(File.ReadAllBytes(captions), Is.EqualTo(before));
    }

    // The gallery, written last, replaced the captions file (exit 0). The two options naming one
    // file, spelled alike or not, is a command-line mistake, said before any work.
    [Test]
    public void OutAndHtmlNamingOneFileIsAUsageError()
    {
        using var dir = new TempFolder();
        string outFile = Path.Combine(dir.Path, "gal.jsonl");
        string dotted = Path.Combine(dir.Path, ".", "gal.jsonl");
        string image = Path.Combine(images, "red1.png");

        var same = CliRun.Invoke(["caption", image, "--model", model, "--out", outFile, "--html", outFile]);
        var spelled = CliRun.Invoke(["caption", image, "--model", model, "--out", outFile, "--html", dotted]);

        Assert.That(same.ExitCode, Is.EqualTo(ExitCodes.Usage), same.Error);
        Assert.That(same.Error.Split('\n')[0], Is.EqualTo(
            $"error: --out and --html name the same file ('{outFile}'); write the gallery to another file"));
        Assert.That(spelled.ExitCode, Is.EqualTo(ExitCodes.Usage), spelled.Error);
        Assert.That(spelled.Error.Split('\n')[0], Is.EqualTo($"error: --out and --html name the same file " +
            $"('{outFile}', '{dotted}'); write the gallery to another file"));
        Assert.That(same.Out + spelled.Out, Is.Empty, "nothing captioned");
        Assert.That(File.Exists(outFile), Is.False, "nothing written");
    }

    // The reason repeated the file the line already names: "error: gal.jsonl: gal.jsonl: line 1 ...".
    [TestCase("gal.jsonl", "<!DOCTYPE html>\n", "line 1 is not a caption record {file, caption, score}")]
    [TestCase("gal.csv", "a,b\n", "not a caption CSV (first line must be file,caption,score)")]
    [TestCase("gal.csv", "file,caption,score\nx.png,red\n", "row 'x.png,red' is not file,caption,score")]
    public void AnOutFileThatIsNotOursIsNamedOnce(string name, string content, string reason)
    {
        using var dir = new TempFolder();
        string outFile = Path.Combine(dir.Path, name);
        File.WriteAllText(outFile, content);

        var run = CliRun.Invoke(["caption", Path.Combine(images, "red1.png"), "--model", model, "--out", outFile]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        Assert.That(run.Error.Trim(), Is.EqualTo($"error: {outFile}: {reason}"));
        Assert.That(File.ReadAllText(outFile), Is.EqualTo(content), "left as it was");
    }

    [Test]
    public void ARerunThroughASymbolicLinkSkipsTheFileAlreadyDone()
    {
        using var dir = new TempFolder();
        string good = dir.Sub("good");
        string image = Path.Combine(good, "x.png");
        File.Copy(Path.Combine(images, "red1.png"), image);
        string link = Path.Combine(dir.Path, "link");
        Directory.CreateSymbolicLink(link, good);
        string outFile = Path.Combine(dir.Path, "captions.csv");

        var first = CliRun.Invoke(["caption", image, "--model", model, "--out", outFile]);
        var again = CliRun.Invoke(["caption", Path.Combine(link, "x.png"), "--model", model, "--out", outFile]);

        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.Error);
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Success), again.Error);
        Assert.That(again.Error, Does.Contain("0 succeeded, 0 failed, 1 skipped"));
        Assert.That(File.ReadAllLines(outFile), Has.Length.EqualTo(2), "the header and the first run's line");
    }

    // A file named like a spreadsheet formula is written to the CSV as text (a leading '), and a
    // rerun reads the name back without it, so the file counts as done.
    [Test]
    public void ACsvCellThatWouldBeAFormulaIsWrittenAsTextAndReadBack()
    {
        using var dir = new TempFolder();
        File.Copy(Path.Combine(images, "red1.png"), Path.Combine(dir.Path, "=1+1.png"));
        File.Copy(Path.Combine(images, "red2.png"), Path.Combine(dir.Path, "'quoted.png"));
        File.Copy(Path.Combine(images, "red3.png"), Path.Combine(dir.Path, "'old.png"));
        // A file of the earlier version, which wrote cells as they were: its row is read as written.
        File.WriteAllText(Path.Combine(dir.Path, "old.csv"), "file,caption,score\n'old.png,a picture in red,-1.0000\n");
        string before = Environment.CurrentDirectory;
        CliRun first, again, old;
        try
        {
            // The names are given relative, as a user in that folder would, so the cells start with them.
            Environment.CurrentDirectory = dir.Path;
            first = CliRun.Invoke(["caption", "=1+1.png", "'quoted.png", "--model", model, "--out", "c.csv"]);
            again = CliRun.Invoke(["caption", "=1+1.png", "'quoted.png", "--model", model, "--out", "c.csv"]);
            old = CliRun.Invoke(["caption", "'old.png", "--model", model, "--out", "old.csv"]);
        }
        finally
        {
            Environment.CurrentDirectory = before;
        }

        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.Error);
        var rows = File.ReadAllLines(Path.Combine(dir.Path, "c.csv"));
        Assert.That(rows[1], Does.StartWith("'=1+1.png,"));
        Assert.That(rows[2], Does.StartWith("''quoted.png,"));
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Success), again.Error);
        Assert.That(again.Error, Does.Contain("0 succeeded, 0 failed, 2 skipped"));
        Assert.That(old.Error, Does.Contain("0 succeeded, 0 failed, 1 skipped"), old.Error);
    }

    // Error lines come in the order the inputs were given: a path known bad before any work (a
    // missing file) used to be listed before every image that failed to decode.
    [Test]
    public void ErrorsAreReportedInInputOrder()
    {
        using var dir = new TempFolder();
        string corrupt = Path.Combine(dir.Path, "corrupt.png");
        File.WriteAllText(corrupt, "not a picture");
        string missing = Path.Combine(dir.Path, "missing.png");
        string good = Path.Combine(images, "red1.png");

        var run = CliRun.Invoke(["caption", corrupt, good, missing, "--model", model, "--quiet"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        var errors = run.Error.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToArray();
        Assert.That(errors, Has.Length.EqualTo(2), run.Error);
        Assert.That(errors[0], Does.StartWith($"error: {corrupt}: "));
        Assert.That(errors[1], Does.StartWith($"error: {missing}: "));
    }

    // An empty caption file is said of that file, not of the image folder ("none of the 0 images").
    [Test]
    public void AnEmptyCaptionFileIsOneLineNamingIt()
    {
        using var dir = new TempFolder();
        string empty = Path.Combine(dir.Path, "empty.tsv");
        File.WriteAllText(empty, "");

        var run = CliRun.Invoke(["eval", "caption", "--model", model, "--images", images, "--captions", empty]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        Assert.That(run.Error.Trim(), Is.EqualTo($"error: {empty}: lists no captioned images"));
    }

    [Test]
    public void EvalPrintsBleuCiderAndSpeedOnASplit()
    {
        var run = CliRun.Invoke(["eval", "caption", "--model", model, "--images", images, "--captions", captions,
            "--split", "dev", "--json", "--quiet"]);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        var json = JsonNode.Parse(run.Out)!.AsObject();
        Assert.That(json["images"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(json["bleu4"]!.GetValue<double>(), Is.EqualTo(1.0), "both dev pictures get their colour right");
        Assert.That(json["images_per_second"]!.GetValue<double>(), Is.GreaterThan(0));
    }

    // --split on a caption file without a split column scores every image, and says so once.
    [Test]
    public void EvalWithASplitOnAFileWithoutSplitsSaysItScoresEverything()
    {
        using var dir = new TempFolder();
        string plain = Path.Combine(dir.Path, "plain.tsv");
        File.WriteAllLines(plain, Dev.Select(p => $"{p.Name}\t{p.Caption} ."));

        var run = CliRun.Invoke(["eval", "caption", "--model", model, "--images", images, "--captions", plain,
            "--split", "dev", "--json", "--quiet"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Error.Trim(), Is.EqualTo(
            $"warning: {plain}: has no split column; --split dev is ignored and every image is scored"));
        Assert.That(JsonNode.Parse(run.Out)!["images"]!.GetValue<int>(), Is.EqualTo(2));
    }

    // With every image unusable, --json printed only error lines; a script wants its one object
    // (scores null, counts given), as eval speech prints, and the exit code still says it failed.
    [Test]
    public void EvalJsonWithNoUsableImageStillPrintsOneObject()
    {
        using var dir = new TempFolder();
        string allBad = Path.Combine(dir.Path, "allbad.tsv");
        File.WriteAllText(allBad, "missing1.png\ta picture in red .\nmissing2.png\ta picture in blue .\n");

        var run = CliRun.Invoke(["eval", "caption", "--model", model, "--images", images, "--captions", allBad,
            "--json", "--quiet"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        var json = JsonNode.Parse(run.Out)!.AsObject();
        Assert.That(json["bleu4"], Is.Null);
        Assert.That(json["cider_d"], Is.Null);
        Assert.That(json["images"]!.GetValue<int>(), Is.EqualTo(0));
        Assert.That(json["failed"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(json["error"]!.GetValue<string>(),
            Is.EqualTo($"{images}: none of the 2 images could be captioned"));
        Assert.That(run.Error, Does.Contain("none of the 2 images could be captioned"));
    }

    // A caption file or image folder that could not be read left stdout empty under --json; a script
    // now gets the object of a scored run, scores null, with the text of the error line in "error".
    [TestCase("missing caption file")]
    [TestCase("empty caption file")]
    [TestCase("garbage caption file")]
    [TestCase("missing image folder")]
    public void EvalJsonOnAnUnreadableInputIsTheObjectWithNullScoresAndTheError(string what)
    {
        using var dir = new TempFolder();
        string list = Path.Combine(dir.Path, "list.tsv");
        string folder = what == "missing image folder" ? Path.Combine(dir.Path, "nope") : images;
        switch (what)
        {
            case "empty caption file":
                File.WriteAllText(list, "");
                break;
            case "garbage caption file":
                File.WriteAllBytes(list, [0x89, 0x50, 0x4E, 0x47, 0x00, 0x0A, 0x1A, 0x0A, 0x09, 0x00]);
                break;
            case "missing image folder":
                File.Copy(captions, list);
                break;
        }

        var run = CliRun.Invoke(["eval", "caption", "--model", model, "--images", folder, "--captions", list,
            "--json", "--quiet"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        var json = JsonNode.Parse(run.Out)!.AsObject();
        Assert.That(json.Select(p => p.Key), Is.EqualTo(new[]
        {
            "bleu1", "bleu2", "bleu3", "bleu4", "cider_d", "images", "failed", "images_per_second", "error",
        }));
        Assert.That(new[] { json["bleu1"], json["bleu4"], json["cider_d"], json["images_per_second"] }, Is.All.Null);
        string error = json["error"]!.GetValue<string>();
        Assert.That(error, Does.Contain(what == "missing image folder" ? folder : list));
        Assert.That(run.Error.Trim(), Is.EqualTo("error: " + error));
    }

    // A headerless "image<TAB>caption<TAB>split" file is scored against its captions; the split
    // column used to be read as the caption, giving BLEU 0 with exit code 0.
    [Test]
    public void EvalReadsAHeaderlessThirdColumnAsTheSplit()
    {
        using var dir = new TempFolder();
        string threeColumns = Path.Combine(dir.Path, "3col.tsv");
        File.WriteAllLines(threeColumns, Dev.Select(p => $"{p.Name}\t{p.Caption} .\tfoo"));

        var run = CliRun.Invoke(["eval", "caption", "--model", model, "--images", images, "--captions",
            threeColumns, "--split", "foo", "--json", "--quiet"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(JsonNode.Parse(run.Out)!["bleu4"]!.GetValue<double>(), Is.EqualTo(1.0));
    }

    // A tiny small-CNN training run into outDir; extra sets epochs, validation and selection.
    private CliRun TrainTiny(string outDir, params string[] extra) => CliRun.Invoke([
        "train", "caption", "--images", images, "--captions", captions, "--out", outDir, "--encoder", "small-cnn",
        "--image-size", "16", "--cnn-channels", "8,16", "--embed", "8", "--hidden", "16", "--batch", "1",
        "--dropout", "0", "--lr", "0.01", "--min-count", "1",
        .. extra.Contains("--beam") ? Array.Empty<string>() : ["--beam", "1"], "--quiet", .. extra]);

    // `models` lists only folders with a MODEL_CARD.md: a trained model was "not a model folder".
    // A forced rerun replaces a generated card, never one written by hand.
    [Test]
    public void TrainWritesAModelCardThatModelsListsAndAForcedRerunReplacesUnlessWrittenByHand()
    {
        using var dir = new TempFolder();
        string parent = dir.Sub("models");
        string tiny = Path.Combine(parent, "tiny");
        string card = Path.Combine(tiny, "MODEL_CARD.md");
        byte[] byHand = Encoding.UTF8.GetBytes("# tiny\n\nWritten by hand.\n");

        var first = TrainTiny(tiny, "--epochs", "2", "--valid-images", "3");
        var listed = ListedModel.Of(parent, "tiny");
        var again = TrainTiny(tiny, "--epochs", "1", "--valid-images", "3", "--force");
        string regenerated = File.ReadAllText(card);
        File.WriteAllBytes(card, byHand);
        var forced = TrainTiny(tiny, "--epochs", "1", "--valid-images", "3", "--seed", "2", "--force");

        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.Error);
        string best = Regex.Match(first.Out, @"best epoch \d: validation BLEU-1 [\d.]+ BLEU-4 [\d.]+ CIDEr-D [\d.]+")
            .Value;
        Assert.That(best, Is.Not.Empty, first.Out);
        Assert.That(listed.KeyMetric, Is.EqualTo(best));
        Assert.That(listed.Card, Does.Contain("# tiny: trained by `multimodal train caption`")
            .And.Contain($"Key metric: {best}\n")
            .And.Contain($"- data: images `{images}`, captions `{captions}`; the validation images")
            .And.Contain("- items: 6 training, 3 validation images\n")
            .And.Contain("- trained: 2 of 2 epochs, "));
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Success), again.Error);
        Assert.That(regenerated, Does.StartWith(TrainedModelCard.Marker).And.Contain("- trained: 1 of 1 epochs, "));
        Assert.That(forced.ExitCode, Is.EqualTo(ExitCodes.Success), forced.Error);
        Assert.That(File.ReadAllBytes(card), Is.EqualTo(byHand));
    }

    // transcribe took --beam 0 as greedy while the caption verbs refused it; now 0 is the decoder's
    // greedy width 1 in all three (train caption decodes its validation image with it).
    [Test]
    public void BeamZeroIsGreedyAsInTranscribe()
    {
        using var dir = new TempFolder();
        string red = Path.Combine(images, "red1.png");

        var zero = CliRun.Invoke(["caption", red, "--model", model, "--beam", "0", "--quiet"]);
        var one = CliRun.Invoke(["caption", red, "--model", model, "--beam", "1", "--quiet"]);
        var eval = CliRun.Invoke(["eval", "caption", "--model", model, "--images", images, "--captions", captions,
            "--split", "dev", "--beam", "0", "--json", "--quiet"]);
        var train = TrainTiny(Path.Combine(dir.Path, "m"), "--epochs", "1", "--valid-images", "1", "--beam", "0");

        Assert.That(zero.ExitCode, Is.EqualTo(ExitCodes.Success), zero.Error);
        Assert.That(zero.Out, Is.EqualTo(one.Out).And.Contain("red1.png\tA picture in red"));
        Assert.That(eval.ExitCode, Is.EqualTo(ExitCodes.Success), eval.Error);
        Assert.That(JsonNode.Parse(eval.Out)!["bleu4"]!.GetValue<double>(), Is.EqualTo(1.0));
        Assert.That(train.ExitCode, Is.EqualTo(ExitCodes.Success), train.Error);
        Assert.That(train.Out, Does.Contain("valid BLEU-1"));
    }

    // Ctrl-C before the first batch: the bar's last line and the summary both say interrupted (the
    // bar said "done 0/2" before), and eval caption prints no scores.
    [Test]
    public void CtrlCIsSaidByTheProgressAndTheLastLineOfCaptionAndEvalCaption()
    {
        using var ctrlC = new CancellationTokenSource();
        ctrlC.Cancel();
        string[] dev = [Path.Combine(images, "red9.png"), Path.Combine(images, "blue9.png")];

        var caption = CliRun.Invoke(["caption", .. dev, "--model", model], cancellation: ctrlC.Token);
        var eval = CliRun.Invoke(["eval", "caption", "--model", model, "--images", images, "--captions", captions,
            "--split", "dev"], cancellation: ctrlC.Token);

        Assert.That(caption.ExitCode, Is.EqualTo(ExitCodes.Interrupted), caption.Error);
        var lines = caption.Error.Trim().Split(Environment.NewLine);
        Assert.That(lines[^2], Does.StartWith("caption: interrupted at 0/2 in "));
        Assert.That(lines[^1], Does.StartWith("interrupted: 0 of 2 files done"));
        Assert.That(eval.ExitCode, Is.EqualTo(ExitCodes.Interrupted), eval.Error);
        lines = eval.Error.Trim().Split(Environment.NewLine);
        Assert.That(lines[^2], Does.StartWith("eval caption: interrupted at 0/2 in "));
        Assert.That(lines[^1],
            Is.EqualTo("interrupted: eval caption stopped after 0 of 2 images; nothing was written"));
        Assert.That(eval.Out, Is.Empty);
    }

    [Test]
    public void ValidationImagesAreListedForEvalAndBleuMeanSelects()
    {
        using var dir = new TempFolder();
        string other = Path.Combine(dir.Path, "m");
        var run = TrainTiny(other, "--epochs", "2", "--valid-images", "3", "--select", "bleu-mean");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error + run.Out);

        string list = Path.Combine(other, "validation.tsv");
        var rows = File.ReadAllLines(list);
        Assert.That(rows[0], Is.EqualTo("image\tcaption"));
        var held = rows.Skip(1).Select(r => r.Split('\t')[0]).ToArray();
        Assert.That(held, Has.Length.EqualTo(3).And.Unique);
        Assert.That(held, Is.SubsetOf(Pictures.Select(p => p.Name)), "held out of the train split, never dev");

        var eval = CliRun.Invoke(["eval", "caption", "--model", other, "--images", images, "--captions", list,
            "--json", "--quiet"]);
        Assert.That(eval.ExitCode, Is.EqualTo(ExitCodes.Success), eval.Error);
        Assert.That(JsonNode.Parse(eval.Out)!["images"]!.GetValue<int>(), Is.EqualTo(3));

        var bad = CliRun.Invoke(["train", "caption", "--images", images, "--captions", captions, "--out", other,
            "--select", "bleu9"]);
        Assert.That(bad.ExitCode, Is.EqualTo(ExitCodes.Usage));

        // A later run with no validation images must not leave the old list naming images it trains on.
        var none = TrainTiny(other, "--epochs", "1", "--valid-images", "0", "--seed", "2", "--force");
        Assert.That(none.ExitCode, Is.EqualTo(ExitCodes.Success), none.Error + none.Out);
        Assert.That(File.Exists(list), Is.False);
    }

    [Test]
    public void UnreadableTrainingImagesAreWarningsNotErrorsAndSummedUpAtTheEnd()
    {
        using var dir = new TempFolder();
        string folder = dir.Sub("images");
        foreach (string file in Directory.GetFiles(images))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(folder, "junk.png"), "not a picture");
        string list = Path.Combine(dir.Path, "captions.tsv");
        File.WriteAllLines(list, File.ReadAllLines(captions).Append("junk.png\ttrain\ta picture in grey ."));

        var run = CliRun.Invoke([
            "train", "caption", "--images", folder, "--captions", list, "--out", Path.Combine(dir.Path, "m"),
            "--encoder", "small-cnn", "--image-size", "16", "--cnn-channels", "8,16", "--embed", "8", "--hidden", "16",
            "--batch", "1", "--epochs", "1", "--min-count", "1", "--valid-images", "0", "--beam", "1", "--quiet"]);

        // Skipped and trained on without it: a success, so a warning line, not an error line.
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error + run.Out);
        Assert.That(run.Error, Does.Not.Contain("error:"));
        var warnings = run.Error.Split('\n').Where(l => l.StartsWith("warning: ", StringComparison.Ordinal)).ToArray();
        Assert.That(warnings, Has.Length.EqualTo(1), run.Error);
        Assert.That(warnings[0], Does.Contain("junk.png: skipped: "));
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[^1].TrimEnd(), Is.EqualTo("train caption: 1 of 10 images skipped (see the warnings above)"));

        // Asked to hold out more than there are: the warning counts the readable images held out,
        // the figure the run's own line gives, and says how many were unreadable.
        var more = CliRun.Invoke([
            "train", "caption", "--images", folder, "--captions", list, "--out", Path.Combine(dir.Path, "n"),
            "--encoder", "small-cnn", "--image-size", "16", "--cnn-channels", "8,16", "--embed", "8", "--hidden", "16",
            "--batch", "1", "--epochs", "1", "--min-count", "1", "--valid-images", "100", "--beam", "1", "--quiet",
            "--seed", "3"]);
        Assert.That(more.ExitCode, Is.EqualTo(ExitCodes.Success), more.Error + more.Out);
        var held = System.Text.RegularExpressions.Regex.Match(more.Out, @"(\d+) training, (\d+) validation images");
        Assert.That(held.Success, Is.True, more.Out);
        Assert.That(more.Error, Does.Contain(
            $"asked for 100 but the split has 10 images, 1 of them unreadable; holding out {held.Groups[2].Value} "));
    }

    [Test]
    public void MoreValidationImagesThanTheSplitHasIsOneWarningNamingBothCounts()
    {
        using var dir = new TempFolder();
        var run = TrainTiny(Path.Combine(dir.Path, "m"), "--epochs", "1", "--valid-images", "50");
        var fits = TrainTiny(Path.Combine(dir.Path, "n"), "--epochs", "1", "--valid-images", "3");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error + run.Out);
        var warnings = run.Error.Split('\n').Where(l => l.StartsWith("warning:", StringComparison.Ordinal)).ToArray();
        Assert.That(warnings, Has.Length.EqualTo(1), run.Error);
        Assert.That(warnings[0], Does.StartWith("warning: --valid-images: ").And.Contain("50").And.Contain("8"));
        Assert.That(run.Out, Does.Contain("1 training, 8 validation images"), "all but one of the 9 held out");
        Assert.That(fits.ExitCode, Is.EqualTo(ExitCodes.Success), fits.Error + fits.Out);
        Assert.That(fits.Error, Does.Not.Contain("warning:"));
    }

    [Test]
    public void MissingResNetFilesAreOneLine()
    {
        using var dir = new TempFolder();
        var run = CliRun.Invoke(["train", "caption", "--images", images, "--captions", captions, "--out",
            Path.Combine(dir.Path, "m"), "--encoder", "resnet18"],
            new Dictionary<string, string> { ["MULTIMODAL_RESNET18_DIR"] = dir.Sub("empty") });
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        var lines = run.Error.Trim().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1));
        Assert.That(lines[0], Does.Contain("ResNet-18 encoder files are missing").And.Contain("small CNN"));
    }

    [Test]
    public void BadOutExtensionIsOneLine()
    {
        var bad = CliRun.Invoke(["caption", images, "--model", model, "--out", "x.txt"]);
        // A command-line mistake, caught before any image is captioned.
        Assert.That((bad.ExitCode, bad.Error), Is.EqualTo((ExitCodes.Usage, bad.Error)));
        Assert.That(bad.Error, Does.StartWith("error: x.txt: --out must end in .jsonl or .csv"));
        Assert.That(bad.Out, Is.Empty);
    }

    [Test]
    public void AnEmptyFolderIsAnErrorAsInTranscribe()
    {
        using var dir = new TempFolder();
        string empty = dir.Sub("empty");

        var run = CliRun.Invoke(["caption", empty, "--model", model, "--quiet"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        Assert.That(run.Error, Does.Contain($"error: {empty}: folder has no files"));
        Assert.That(run.Error, Does.Contain("0 succeeded, 1 failed, 0 skipped"));
    }

    [Test]
    public void JobsZeroMeansEveryCoreAsInEvalCaption()
    {
        var run = CliRun.Invoke(["caption", Path.Combine(images, "red1.png"), "--model", model, "--jobs", "0"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain("red1.png\tA picture in red"));
    }

    // A path that does not exist fails on its own, like a bad file: the others are captioned (and
    // written with --out), and the summary counts it.
    [Test]
    public void AMissingPathFailsAloneAndTheRestAreCaptioned()
    {
        using var dir = new TempFolder();
        string good = Path.Combine(dir.Path, "good.png");
        File.Copy(Path.Combine(images, "red1.png"), good);
        string nope = Path.Combine(dir.Path, "nope.jpg");
        string outFile = Path.Combine(dir.Path, "c.csv");

        var run = CliRun.Invoke(["caption", nope, good, "--model", model, "--out", outFile, "--quiet"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error, Does.Contain("nope.jpg: no such file or folder"));
        Assert.That(run.Error, Does.Contain("1 succeeded, 1 failed, 0 skipped"));
        Assert.That(File.ReadAllText(outFile), Does.Contain("good.png"));
    }

    private static byte[] TruncatedJpeg()
    {
        // Noise makes the entropy-coded data most of the file, so the cut lands inside it.
        var random = new Random(5);
        using var image = new Image<Rgb24>(128, 128);
        for (int y = 0; y < 128; y++)
        {
            for (int x = 0; x < 128; x++)
            {
                image[x, y] = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
            }
        }

        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);
        var bytes = stream.ToArray();
        return bytes[..(bytes.Length * 7 / 10)];
    }

}
