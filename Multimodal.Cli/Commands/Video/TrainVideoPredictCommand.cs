using System.CommandLine;
using System.Globalization;
using Multimodal.Cli.Batch;
using Multimodal.Cli.Hosting;
using Pipelines.Video.Prediction;
using Pipelines.Video.Training;
using Rnn.Core.Training;

namespace Multimodal.Cli.Commands.Video;

/// <summary>
/// <c>multimodal train video-predict --out DIR [--mnist FILE] [--epochs E] [--batches B] [--batch S]
/// [--hidden 16,16] [--teacher-forcing F] [--patch 4] [--lr R] [--seed N] [--resume]</c>: trains the ConvLSTM
/// encoder-forecaster on Moving-MNIST generated on the fly, with a progress bar, one line per
/// epoch (loss, validation MSE against the copy-last-frame baseline), checkpoints in
/// DIR/checkpoints and the model directory rewritten at every epoch end.
/// </summary>
public static class TrainVideoPredictCommand
{
    /// <summary>The <c>video-predict</c> subcommand of <c>train</c>.</summary>
    public static Command Build(CliContext context)
    {
        var outDir = OptionBuilders.Folder("--out", "Model directory to write", required: true);
        var mnist = OptionBuilders.PathOption("--mnist",
            $"MNIST idx3 images (default: ../shared/data/mnist/{MnistLocator.FileName})", "file");
        var epochs = Count("--epochs", "Epochs", 6);
        var batches = Count("--batches", "Optimizer steps per epoch", 300);
        // A sequence takes about 4.5 MB through a training step (5000 took 22.5 GB): 256 stays near 1 GB.
        var batch = OptionBuilders.Count("--batch", "Sequences per step", 4, 1, 256);
        var hidden = new Option<string>("--hidden")
        {
            Description = "Filters of each ConvLSTM layer", DefaultValueFactory = _ => "16,16", HelpName = "f1,f2,..",
        };
        OptionBuilders.CheckedBy(hidden, text => ParseHidden(text));
        int frame = new PredictorConfig().FrameSize;
        // At most the frame's side, so a value past it is told the divisors too, not "between 1 and 1000000".
        var patch = OptionBuilders.Count("--patch", "Space-to-depth patch side (1: none)", 4, 1, frame);
        patch.Validators.Add(result =>
        {
            var token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
            if (int.TryParse(token, CultureInfo.InvariantCulture, out var n) && n >= 1 && frame % n != 0)
            {
                var divisors = Enumerable.Range(1, frame).Where(d => frame % d == 0);
                result.AddError(
                    $"--patch must divide the {frame}-pixel frame ({string.Join(", ", divisors)}); got {n}");
            }
        });
        var lr = OptionBuilders.Number("--lr", "Peak Adam learning rate", 2e-3, 1e-7, 1);
        var teacher = OptionBuilders.Number("--teacher-forcing",
            "Share of the run over which scheduled sampling goes from true to predicted frames (0: off)", 0.6, 0, 1);
        teacher.HelpName = "fraction";
        var seed = OptionBuilders.Count("--seed", "Seed of the weights and the training sequences", 1, 0, int.MaxValue);
        var resume = new Option<bool>("--resume") { Description = "Continue from the newest checkpoint in DIR" };
        var force = EarlierRun.ForceOption();
        var command = new Command("video-predict", "Train the ConvLSTM next-frame model on Moving-MNIST")
        {
            outDir, mnist, epochs, batches, batch, hidden, patch, lr, teacher, seed, resume, force,
        };
        EarlierRun.RefuseBoth(command, resume, force);
        command.SetAction((parse, ct) => Task.Run(() => TrainingInterrupt.Run(context, "train video-predict",
            Path.Combine(parse.GetValue(outDir)!, "checkpoints"), ct, () =>
        {
            // Before the digits are read; a run that fails before its first save leaves no folder.
            using var folder = OutputFolder.Reserve(parse.GetValue(outDir)!, "--out");
            using var hold = OutputLock.Acquire(parse.GetValue(outDir)!, "train run");   // two runs would mix files
            EarlierRun.Check(parse.GetValue(outDir)!, Path.Combine(parse.GetValue(outDir)!, "checkpoints"),
                parse.GetValue(resume), parse.GetValue(force));
            using var checkpoints = OutputFolder.Reserve(Path.Combine(parse.GetValue(outDir)!, "checkpoints"), "--out");
            string mnistPath = MnistLocator.Resolve(parse.GetValue(mnist), context.Environment);
            var options = new PredictorTrainingOptions
            {
                MnistImagesPath = mnistPath,
                DataFingerprint = FileFingerprint.Of(mnistPath),
                OutputDirectory = parse.GetValue(outDir)!,
                Model = new PredictorConfig
                {
                    Hidden = ParseHidden(parse.GetValue(hidden)!), Patch = parse.GetValue(patch),
                },
                Epochs = parse.GetValue(epochs),
                BatchesPerEpoch = parse.GetValue(batches),
                BatchSize = parse.GetValue(batch),
                LearningRate = (float)parse.GetValue(lr),
                TeacherForcingFraction = parse.GetValue(teacher),
                Seed = (ulong)parse.GetValue(seed),
                Resume = parse.GetValue(resume),
            };
            return Run(context, parse, options, ct);
        })));
        return command;
    }

    private static int Run(CliContext context, ParseResult parse, PredictorTrainingOptions options,
        CancellationToken cancellation)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CliException(null, e.Message);
        }

        if (options.Resume)
        {
            // Before the start-up line: a folder of another kind of training is not this run's to describe.
            ResumeCheck.Before(Path.Combine(options.OutputDirectory, "checkpoints"), PredictorTraining.TrainingKind,
                settings: null);
        }

        var output = context.Environment.Out;
        var m = options.Model;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train video-predict: Moving-MNIST {m.FrameSize}x{m.FrameSize}, " +
            $"{m.ContextFrames} in / {m.FutureFrames} out; " +
            $"ConvLSTM [{string.Join(",", m.Hidden)}] on {m.GridSize}x{m.GridSize} ({m.Patch}x{m.Patch} patches); " +
            $"{Plural(options.Epochs, "epoch")} x {Plural(options.BatchesPerEpoch, "step")} x " +
            $"{Plural(options.BatchSize, "sequence")}"));
        ResumeNotice.Before(output, "", Path.Combine(options.OutputDirectory, "checkpoints"),
            options.Resume);
        TrainingResult result;
        using (var reporter = context.Progress(parse))
        using (var sink = new TrainingProgressSink(context, reporter, "train video-predict", value =>
        {
            // PredictorTraining has just rewritten the model directory (its validator): the card goes with it.
            string scores = MseScores(value);
            Card(options, TrainedModelCard.Progress(value.Epoch + 1, value.Epochs, value.Step),
                scores.Length > 0 ? scores.Trim() : null, newWeights: true).Write(context, parse);
            return scores;
        }, cancellation)
        {
            Started = () =>
                TrainedModelCard.RecordCommand(parse, Path.Combine(options.OutputDirectory, "checkpoints")),
        })
        {
            try
            {
                result = sink.Watch(() => PredictorTraining.Run(options, sink, cancellation));
            }
            catch (InvalidDataException e) when (options.Resume)
            {
                // A checkpoint of other settings (or an unreadable one): the message names it.
                throw new CliException(null, e.Message);
            }
        }

        // A resume that found every epoch done wrote the same weights again; a card is written only if none
        // is there.
        bool card = result.Epochs.Count > 0
            ? TrainedModelCard.IsGenerated(Path.Combine(options.OutputDirectory, TrainedModelCard.FileName))
            : Card(options, TrainedModelCard.Progress(result, options.Epochs), null, newWeights: false)
                .Write(context, parse);
        output.WriteLine($"saved {options.OutputDirectory} (config.json, weights.safetensors" +
            $"{(card ? ", MODEL_CARD.md" : "")}) after {result.Steps} {(result.Steps == 1 ? "step" : "steps")}");
        return ExitCodes.Success;
    }

    private static TrainedModelCard Card(PredictorTrainingOptions options, string epochs, string? metric,
        bool newWeights) => new("video-predict", options.OutputDirectory)
    {
        Data = $"MNIST images `{options.MnistImagesPath}`, made into Moving-MNIST sequences on the fly",
        Items = string.Create(CultureInfo.InvariantCulture,
            $"{options.BatchesPerEpoch * options.BatchSize} training sequences an epoch, " +
            $"{options.ValidationSequences} validation sequences"),
        Epochs = epochs,
        KeyMetric = metric,
        NewWeights = newWeights,
    };

    private static int[] ParseHidden(string text)
    {
        // An empty entry ("16,,16", "16,16,") is refused, not dropped: it is more likely a typo than a wish.
        // The layer count is the model's own bound, held here so that too many layers is a usage error
        // naming --hidden rather than the config's "architecture.hidden" once the run has begun.
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = parts.Select(p => int.TryParse(p, CultureInfo.InvariantCulture, out var v) ? v : -1).ToArray();
        const int maxLayers = PredictorConfig.MaxLayers;
        return values.Length is > 0 and <= maxLayers && values.All(v => v is >= 1 and <= 1024)
            ? values
            : throw new CliException("--hidden",
                $"expected filter counts of 1..1024 for 1 to {maxLayers} layers, like 32,32; " +
                (values.Length > maxLayers ? $"got {values.Length} layers" : $"got '{text}'"));
    }

    private static Option<int> Count(string name, string description, int fallback) =>
        OptionBuilders.Count(name, description, fallback, 1, 1_000_000);

    /// <summary>The epoch-end suffix: validation MSE next to the copy-last-frame baseline, and SSIM.</summary>
    private static string MseScores(TrainingProgress value) => value.Validation is { } v
        ? string.Create(CultureInfo.InvariantCulture,
            $" valid MSE {v["val_mse"]:0.0} (baseline {v["baseline_mse"]:0.0}, ratio {v["ratio"]:0.000})" +
            $" SSIM {v["val_ssim"]:0.000}")
        : "";

    // "1 epoch", "2 epochs".
    private static string Plural(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? "" : "s")}");
}
