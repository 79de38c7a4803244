using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Multimodal.Cli.Commands;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Commands.Video;

/// <summary><c>train video-predict</c> (with resume) and <c>eval video-predict</c> on tiny settings.</summary>
[TestFixture]
public sealed class VideoPredictTrainEvalTests
{
    private TempFolder temp = null!;

    [SetUp]
    public void SetUp() => temp = new TempFolder();

    [TearDown]
    public void TearDown() => temp.Dispose();

    // The MNIST file was read whole for the checkpoint's hash of it before the MNIST reader (which
    // refuses pipes) saw it: a named pipe as --mnist made training wait for ever for a writer.
    [Test]
    public void Train_with_a_named_pipe_as_mnist_is_one_error_line_and_never_waits()
    {
        string pipe = Path.Combine(temp.Path, "mnist.fifo");
        NamedPipes.Make(pipe);

        var train = Task.Run(() => CliRun.Invoke(["train", "video-predict", "--out", Path.Combine(temp.Path, "model"),
            "--mnist", pipe, "--batches", "2", "--batch", "1", "--hidden", "4", "--patch", "16", "--epochs", "1"]));
        bool ended = Task.WhenAny(train, Task.Delay(TimeSpan.FromSeconds(120))).GetAwaiter().GetResult() == train;

        Assert.That(ended, Is.True, "the pipe was opened and waited on");
        Assert.That(train.Result.ExitCode, Is.EqualTo(ExitCodes.Failure), train.Result.Error);
        Assert.That(train.Result.Error, Does.Contain(
            $"error: {pipe}: is a named pipe, not a file: inputs are read from files (save the stream to one first)"));
    }

    [Test]
    public void Train_ThenResume_ThenEvalJson()
    {
        string dir = Path.Combine(temp.Path, "model");
        string[] common = ["train", "video-predict", "--out", dir, "--mnist", VideoFiles.Mnist, "--batches", "2",
            "--batch", "1", "--hidden", "4", "--patch", "16"];

        var first = CliRun.Invoke([.. common, "--epochs", "1"]);
        var reseeded = CliRun.Invoke([.. common, "--epochs", "2", "--resume", "--seed", "5"]);
        string[] wider = [.. common.Take(common.Length - 4), "--hidden", "6", "--patch", "16"];
        var resized = CliRun.Invoke([.. wider, "--epochs", "2", "--resume"]);
        // Other digits (the MNIST file with its last pixel changed, compressed again): refused, not trained on.
        string otherMnist = Path.Combine(temp.Path, "other-mnist.gz");
        using (var raw = new MemoryStream())
        {
            using (var unzip = new System.IO.Compression.GZipStream(File.OpenRead(VideoFiles.Mnist),
                System.IO.Compression.CompressionMode.Decompress))
            {
                unzip.CopyTo(raw);
            }

            byte[] digits = raw.ToArray();
            digits[^1] ^= 0x40;
            using var zip = new System.IO.Compression.GZipStream(File.Create(otherMnist),
                System.IO.Compression.CompressionLevel.Fastest);
            zip.Write(digits);
        }

        var otherData = CliRun.Invoke([.. common.Select(a => a == VideoFiles.Mnist ? otherMnist : a), "--epochs", "2",
            "--resume"]);
        var tooMany = CliRun.Invoke([.. common.Select(a => a == "1" ? "257" : a), "--epochs", "2", "--resume"]);
        var second = CliRun.Invoke([.. common, "--epochs", "2", "--resume"]);
        var eval = CliRun.Invoke(["eval", "video-predict", "--model", dir, "--mnist", VideoFiles.Mnist,
            "--sequences", "3", "--json"]);

        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.Error);
        Assert.That(first.Out, Does.Contain("epoch 1/1 step 2").And.Contain("valid MSE").And.Contain("baseline"));
        Assert.That(first.Out, Does.Contain("; 1 epoch x 2 steps x 1 sequence"), "counts in the singular when 1");
        Assert.That(reseeded.ExitCode, Is.EqualTo(ExitCodes.Failure), reseeded.Out);
        Assert.That(reseeded.Error.Trim(), Does.StartWith("error: ").And.Contain("checkpoints: cannot resume: ")
            .And.Contain("--seed is 1 in the checkpoint, 5 now"));
        // Another size is named as a setting, in one short line, not as every weight's shape.
        Assert.That(resized.ExitCode, Is.EqualTo(ExitCodes.Failure), resized.Out);
        Assert.That(resized.Error.Trim(), Does.Contain("--hidden is 4 in the checkpoint, 6 now")
            .And.Not.Contain("weight"));
        Assert.That(otherData.ExitCode, Is.EqualTo(ExitCodes.Failure), otherData.Out);
        Assert.That(otherData.Error, Does.Contain("the MNIST file's hash is sha256:"));
        Assert.That(tooMany.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(tooMany.Error, Does.Contain("--batch must be between 1 and 256"));
        Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.Success), second.Error);
        Assert.That(second.Out, Does.Contain("resuming from").And.Contain("at step 2").And.Contain("after 4 steps"));
        // The card lists the command that started the run and the resume that finished it; the refused
        // resumes (another seed, size, data) are not on it.
        Assert.That(Multimodal.Cli.Commands.TrainedModelCard.CommandsIn(File.ReadAllText(Path.Combine(dir,
            "MODEL_CARD.md"))), Is.EqualTo(new[]
        {
            Multimodal.Cli.Commands.TrainedModelCard.CommandLine([.. common, "--epochs", "1"]),
            Multimodal.Cli.Commands.TrainedModelCard.CommandLine([.. common, "--epochs", "2", "--resume"]),
        }));
        // Kept beside the checkpoints as the run goes, so a run stopped before its first save keeps it too.
        Assert.That(File.ReadAllLines(Path.Combine(dir, "checkpoints",
            Multimodal.Cli.Commands.TrainedModelCard.CommandsFileName)), Has.Length.EqualTo(2));
        Assert.That(eval.ExitCode, Is.EqualTo(ExitCodes.Success), eval.Error);
        var json = JsonNode.Parse(eval.Out)!.AsObject();
        Assert.That(json.Select(p => p.Key), Is.SupersetOf(new[] { "mse", "ssim", "baseline_mse", "mse_mean" }));
        Assert.That((double)json["baseline_mse"]!, Is.GreaterThan(100), "two moving digits: copying errs");
        Assert.That((int)json["sequences"]!, Is.EqualTo(3));
    }

    // `models` lists only folders with a MODEL_CARD.md: a trained model was "not a model folder". The
    // card is written with the model at each epoch end; a forced rerun replaces it unless written by hand.
    [Test]
    public void Train_WritesAModelCardThatModelsLists_AForcedRerunReplacesItUnlessWrittenByHand()
    {
        string parent = temp.Sub("models");
        string dir = Path.Combine(parent, "tiny");
        string card = Path.Combine(dir, "MODEL_CARD.md");
        string[] args = ["train", "video-predict", "--out", dir, "--mnist", VideoFiles.Mnist, "--batches", "2",
            "--batch", "1", "--hidden", "4", "--patch", "16"];
        byte[] byHand = Encoding.UTF8.GetBytes("# tiny\n\nWritten by hand.\n");

        var first = CliRun.Invoke([.. args, "--epochs", "2"]);
        var listed = ListedModel.Of(parent, "tiny");
        var again = CliRun.Invoke([.. args, "--epochs", "1", "--force"]);
        string regenerated = File.ReadAllText(card);
        File.WriteAllBytes(card, byHand);
        var forced = CliRun.Invoke([.. args, "--epochs", "1", "--force"]);

        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.Error);
        Assert.That(first.Out, Does.Contain($"saved {dir} (config.json, weights.safetensors, MODEL_CARD.md)"));
        string last = first.Out.Split('\n').Last(l => l.StartsWith("epoch 2/2", StringComparison.Ordinal));
        string scores = Regex.Match(last, @"valid MSE .* SSIM [\d.]+").Value;
        Assert.That(scores, Is.Not.Empty, first.Out);
        Assert.That(listed.KeyMetric, Is.EqualTo(scores));
        Assert.That(listed.Card, Does.Contain("# tiny: trained by `multimodal train video-predict`")
            .And.Contain($"Key metric: {scores}\n")
            .And.Contain($"- data: MNIST images `{VideoFiles.Mnist}`")
            .And.Contain("- items: 2 training sequences an epoch, 48 validation sequences\n")
            .And.Contain("- trained: 2 of 2 epochs, 4 steps\n"));
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Success), again.Error);
        Assert.That(regenerated, Does.StartWith(TrainedModelCard.Marker).And.Contain("- trained: 1 of 1 epochs, "));
        Assert.That(forced.ExitCode, Is.EqualTo(ExitCodes.Success), forced.Error);
        Assert.That(forced.Out, Does.Contain($"saved {dir} (config.json, weights.safetensors) after"));
        Assert.That(File.ReadAllBytes(card), Is.EqualTo(byHand));
    }

    [Test]
    public void BundledModel_IsFoundAndBeatsCopyingTheLastFrame()
    {
        // No --model: the default models/video-predict-mnist is found from the repository root.
        var run = CliRun.Invoke(["eval", "video-predict", "--mnist", VideoFiles.Mnist, "--sequences", "4", "--json"],
            baseDirectory: VideoFiles.RepositoryRoot);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        var json = JsonNode.Parse(run.Out)!.AsObject();
        // The card's 256-sequence figure is 0.53; four sequences vary, but a working model stays well below 1.
        Assert.That((double)json["ratio"]!, Is.LessThan(0.8));
    }

    // eval video-predict ran to its end through Ctrl-C (in a terminal the signal killed it silently).
    [Test]
    public void EvalStoppedByCtrlC_SaysHowFarItGot_PrintsNoScores()
    {
        using var ctrlC = new CancellationTokenSource();
        ctrlC.Cancel();

        var run = CliRun.Invoke(["eval", "video-predict", "--mnist", VideoFiles.Mnist, "--sequences", "3"],
            baseDirectory: VideoFiles.RepositoryRoot, cancellation: ctrlC.Token);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Interrupted), run.Error);
        var lines = run.Error.Trim().Split(Environment.NewLine);
        Assert.That(lines[^2], Does.StartWith("eval video-predict: interrupted at 0/3 in "));
        Assert.That(lines[^1],
            Is.EqualTo("interrupted: eval video-predict stopped after 0 of 3 sequences; nothing was written"));
        Assert.That(run.Out, Is.Empty);
    }

    [Test]
    public void TrainStoppedByCtrlC_SaysToRerunWithResume()
    {
        using var ctrlC = new CancellationTokenSource();
        ctrlC.Cancel();

        var run = CliRun.Invoke(["train", "video-predict", "--out", Path.Combine(temp.Path, "model"), "--mnist",
            VideoFiles.Mnist, "--batches", "2", "--batch", "1", "--hidden", "4", "--patch", "16", "--epochs", "1"],
            cancellation: ctrlC.Token);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Interrupted), run.Error);
        Assert.That(run.Error.Trim().Split(Environment.NewLine)[^1], Is.EqualTo(
            "interrupted: train video-predict stopped; no checkpoint was saved yet, so the same command starts over"));
    }

    // The MNIST reader's own words came through: "error: '/dev/null': a device, not a file".
    [Test]
    public void Mnist_that_is_a_device_is_one_line_in_the_layout_of_the_other_verbs()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("the kind of a file is told on Linux only");
        }

        var train = CliRun.Invoke(["train", "video-predict", "--out", temp.Sub("m"), "--mnist", "/dev/null"]);
        var eval = CliRun.Invoke(["eval", "video-predict", "--mnist", "/dev/null"],
            baseDirectory: VideoFiles.RepositoryRoot);

        Assert.That(train.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(train.Error.Trim(), Is.EqualTo("error: /dev/null: is a device, not a file"));
        Assert.That(eval.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(eval.Error.Trim(), Is.EqualTo("error: /dev/null: is a device, not a file"));
    }

    // 67 layers passed the option's check (each count in range) and failed as the model's config
    // ("architecture.hidden must be 1..16 ...", exit 1) once the run had begun.
    [Test]
    public void Hidden_with_more_layers_than_a_model_holds_is_a_usage_error_naming_the_option()
    {
        string dir = Path.Combine(temp.Path, "model");
        string layers = string.Join(",", Enumerable.Repeat("2", 67));

        var many = CliRun.Invoke(["train", "video-predict", "--out", dir, "--mnist", VideoFiles.Mnist,
            "--hidden", layers]);
        var wide = CliRun.Invoke(["train", "video-predict", "--out", dir, "--mnist", VideoFiles.Mnist,
            "--hidden", "16,2000"]);

        Assert.That(many.ExitCode, Is.EqualTo(ExitCodes.Usage), many.Error);
        Assert.That(many.Error, Does.StartWith(
            "error: --hidden: expected filter counts of 1..1024 for 1 to 16 layers, like 32,32; got 67 layers"));
        Assert.That(many.Error, Does.Not.Contain("architecture.hidden"));
        Assert.That(wide.ExitCode, Is.EqualTo(ExitCodes.Usage), wide.Error);
        Assert.That(wide.Error, Does.StartWith(
            "error: --hidden: expected filter counts of 1..1024 for 1 to 16 layers, like 32,32; got '16,2000'"));
        Assert.That(Directory.Exists(dir), Is.False, "refused before any work");
    }

    // Under --json a missing or broken MNIST file left stdout empty; a script now gets the object of a
    // scored run, figures null, with the text of the error line in "error".
    [TestCase("none.gz")]
    [TestCase("junk.gz")]
    public void EvalJson_OnAnUnreadableMnistFile_IsTheObjectWithNullFiguresAndTheError(string name)
    {
        string mnist = Path.Combine(temp.Path, name);
        if (name == "junk.gz")
        {
            File.WriteAllText(mnist, "not gzip at all");
        }

        var run = CliRun.Invoke(["eval", "video-predict", "--model", VideoFiles.TinyModel(temp.Sub("model")),
            "--mnist", mnist, "--sequences", "2", "--json"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        var json = JsonNode.Parse(run.Out)!.AsObject();
        Assert.That(json.Select(p => p.Key), Is.EqualTo(new[]
        {
            "mse", "mse_mean", "ssim", "baseline_mse", "baseline_mse_mean", "baseline_ssim", "ratio", "sequences",
            "mse_per_frame", "error",
        }));
        Assert.That(new[] { json["mse"], json["ssim"], json["baseline_mse"], json["ratio"], json["mse_per_frame"] },
            Is.All.Null);
        Assert.That((int)json["sequences"]!, Is.Zero, "nothing was scored");
        string error = json["error"]!.GetValue<string>();
        Assert.That(error, Does.Contain(mnist));
        Assert.That(run.Error.Trim(), Is.EqualTo("error: " + error));
    }

    [Test]
    public void MissingMnist_IsOneLine()
    {
        string missing = Path.Combine(temp.Path, "none.gz");

        var run = CliRun.Invoke(["train", "video-predict", "--out", temp.Sub("m"), "--mnist", missing]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error.Trim(), Is.EqualTo($"error: {missing}: MNIST images file does not exist"));
    }
}
