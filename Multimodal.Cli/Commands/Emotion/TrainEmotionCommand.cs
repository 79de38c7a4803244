using System.CommandLine;
using System.Globalization;
using Multimodal.Cli.Batch;
using Multimodal.Cli.Hosting;
using Pipelines.Video.Emotion;
using Rnn.Core.Training;
using static Multimodal.Cli.Commands.Emotion.EmotionCliOptions;
using static Multimodal.Cli.Hosting.OptionBuilders;

namespace Multimodal.Cli.Commands.Emotion;

/// <summary>
/// <c>multimodal train emotion --data DIR --out DIR [...]</c>: trains the ConvLSTM emotion model on a
/// FER-2013-style train folder (one sub-folder per class), holding out every n-th face of each
/// class for validation; checkpoints go to OUT/checkpoints and <c>--resume</c> continues from them
/// (as in the other train verbs, a run without it starts over); the model directory is rewritten
/// each time validation accuracy improves.
/// </summary>
public static class TrainEmotionCommand
{
    /// <summary>The <c>emotion</c> subcommand of <c>train</c>.</summary>
    public static Command Build(CliContext context)
    {
        var defaults = new EmotionTrainingOptions { DataDirectory = "", OutputDirectory = "" };
        var data = Folder(
            "--data", "FER-2013-style train folder: angry/, disgust/, ... of 48x48 gray faces", true);
        var outDir = Folder("--out", "Model directory to write (checkpoints go to DIR/checkpoints)", true);
        var epochs = Count("--epochs", "Passes over the training faces", defaults.Epochs, 1, 10_000);
        var batch = Count("--batch", "Clips per batch", defaults.BatchSize, 2, 4096);
        var lr = Number("--lr", "Peak learning rate (AdamW, warm-up then cosine)", defaults.LearningRate, 1e-7, 1);
        var nth = Count("--valid-every", "Hold out every n-th face of each class for validation",
            defaults.ValidationEveryNth, 2, 1000);
        // eval emotion's spelling, so the option can be copied from an evaluation command line.
        nth.Aliases.Add("--validation-every");
        var limit = Count("--limit-per-class", "Read at most this many faces per class (0: all)", 0, 0, int.MaxValue);
        var seed = Count("--seed", "Seed of weights, split, batch order and augmentation", (int)defaults.Seed, 0,
            int.MaxValue);
        var resume = new Option<bool>("--resume") { Description = "Continue from the newest checkpoint in OUT" };
        var force = EarlierRun.ForceOption();
        var command = new Command("emotion", "Train the ConvLSTM face-emotion model on FER-2013-style folders")
        {
            data, outDir, epochs, batch, lr, nth, limit, seed, resume, force,
        };
        EarlierRun.RefuseBoth(command, resume, force);
        command.SetAction((parse, ct) => Task.Run(() => TrainingInterrupt.Run(context, "train emotion",
            Path.Combine(parse.GetValue(outDir)!, "checkpoints"), ct,
            () => Run(context, parse, defaults with
        {
            DataDirectory = parse.GetValue(data)!,
            DataFingerprint = FileFingerprint.OfFolder(parse.GetValue(data)!),
            CheckFile = FaceImageCheck.DeclaredSize,
            OutputDirectory = parse.GetValue(outDir)!,
            Epochs = parse.GetValue(epochs),
            BatchSize = parse.GetValue(batch),
            LearningRate = (float)parse.GetValue(lr),
            ValidationEveryNth = parse.GetValue(nth),
            LimitPerClass = parse.GetValue(limit),
            Seed = (ulong)parse.GetValue(seed),
            Resume = parse.GetValue(resume),
        }, parse.GetValue(force), ct))));
        return command;
    }

    private static int Run(
        CliContext context, ParseResult parse, EmotionTrainingOptions options, bool force, CancellationToken ct)
    {
        // Before any face is read; a run that fails before its first save leaves no folder behind.
        using var folder = OutputFolder.Reserve(options.OutputDirectory, "--out");
        using var hold = OutputLock.Acquire(options.OutputDirectory, "train run");   // two runs would mix files
        string checkpoints = options.CheckpointDirectory ?? Path.Combine(options.OutputDirectory, "checkpoints");
        EarlierRun.Check(options.OutputDirectory, checkpoints, options.Resume, force);
        using var checkpointFolder = OutputFolder.Reserve(checkpoints, "--out");
        RefuseOutInsideData(options.OutputDirectory, options.DataDirectory);
        if (!Directory.Exists(options.DataDirectory))
        {
            throw new CliException(options.DataDirectory, "data folder does not exist");
        }

        if (options.Resume)
        {
            // Before the faces are read, kind and settings alike: the trainer's own check would come after,
            // and its error was shown against the data folder ("error: DATA: OUT/checkpoints: cannot
            // resume: ..."), as if the data were at fault.
            ResumeCheck.Before(checkpoints, EmotionTrainer.TrainingKind, EmotionTrainer.ResumeSettings(options));
        }

        var output = context.Environment.Out;
        var trainer = new EmotionTrainer(options, line => output.WriteLine("train emotion: " + line),
            (file, reason) => TrainingSkips.Warn(context, file, reason))
        {
            LogsEpochScores = false,   // the progress sink's epoch line carries them
        };
        ResumeNotice.Before(output, "train emotion: ", checkpoints, options.Resume);
        EmotionTrainingResult result;
        bool saved = false;   // whether this run saved weights (an epoch better than the model there)
        (int Epoch, string Metric) bestEpoch = (0, "");   // the epoch those weights are, and its scores
        using (var reporter = context.Progress(parse))
        using (var sink = new TrainingProgressSink(context, reporter, "train emotion", value =>
        {
            // The trainer has just rewritten the model directory with a better epoch: the card goes with it.
            if (value.Validation?.GetValueOrDefault("saved_best") > 0)
            {
                saved = true;
                bestEpoch = (value.Epoch + 1, Scores(value).Trim());
                string epochs = TrainedModelCard.Progress(value.Epoch + 1, value.Epochs, value.Step) +
                    $"; the weights are epoch {value.Epoch + 1}'s, the best on validation";
                Card(options, trainer, epochs, bestEpoch.Metric, newWeights: true).Write(context, parse);
            }

            return AccuracyScores(value);
        }, ct) { Started = () => TrainedModelCard.RecordCommand(parse, checkpoints) })
        {
            try
            {
                result = sink.Watch(() => trainer.Run(sink, ct));
            }
            catch (Exception e) when ((e is DirectoryNotFoundException or ArgumentException or InvalidDataException)
                && !NamesCheckpoints(e.Message, checkpoints))
            {
                throw new CliException(options.DataDirectory, e.Message);
            }
        }

        if (double.IsNegativeInfinity(result.BestValidationAccuracy))
        {
            context.Error(options.OutputDirectory, "no epoch finished, so no model was written");
            return ExitCodes.Failure;
        }

        string best = string.Create(CultureInfo.InvariantCulture,
            $"best validation accuracy {result.BestValidationAccuracy * 100:F2}% ({result.ValidationFaces} " +
            $"held-out face{(result.ValidationFaces == 1 ? "" : "s")})");
        if (saved)
        {
            // The card written with the best epoch said how far training had got then ("3 of 8
            // epochs"); the epochs after it, none better, ran too.
            string epochs = TrainedModelCard.Progress(result.Training, options.Epochs) +
                $"; the weights are epoch {bestEpoch.Epoch}'s, the best on validation";
            Card(options, trainer, epochs, bestEpoch.Metric, newWeights: true).Write(context, parse);
        }
        else if (options.Resume)
        {
            // The model there is this run's best from before it was stopped; a card written then may
            // be an epoch behind it, or missing (a kill between the model's files and the card).
            string epochs = TrainedModelCard.Progress(result.Training, options.Epochs) +
                "; the weights are the best epoch's on validation, saved before the run was resumed";
            Card(options, trainer, epochs, best, newWeights: true).Write(context, parse);
        }
        else
        {
            // The model there is an earlier run's; a card is written only if none is there.
            string epochs = TrainedModelCard.Progress(result.Training, options.Epochs) +
                "; the weights are an earlier run's, the best on validation";
            Card(options, trainer, epochs, best, newWeights: false).Write(context, parse);
        }

        output.WriteLine($"train emotion: {best}; model in {options.OutputDirectory}");
        int seen = result.TrainFaces + result.ValidationFaces + result.SkippedFiles;
        TrainingSkips.Summary(context, "train emotion", result.SkippedFiles, seen, "face images");
        return ExitCodes.Success;
    }

    private static TrainedModelCard Card(EmotionTrainingOptions options, EmotionTrainer trainer, string epochs,
        string metric, bool newWeights) => new("emotion", options.OutputDirectory)
    {
        Data = string.Create(CultureInfo.InvariantCulture, $"data folder `{options.DataDirectory}`; 1 face in " +
            $"{options.ValidationEveryNth} of each class held out for validation"),
        Items = $"{trainer.TrainFaces} training, {trainer.ValidationFaces} validation faces",
        Epochs = epochs,
        KeyMetric = metric,
        NewWeights = newWeights,
        CheckpointDirectory = options.CheckpointDirectory ?? Path.Combine(options.OutputDirectory, "checkpoints"),
    };

    /// <summary>
    /// The epoch-end suffix: the validation <see cref="Scores"/>, and "; saved as the best so far"
    /// when that epoch's model was written to OUT.
    /// </summary>
    private static string AccuracyScores(TrainingProgress value) =>
        Scores(value) + (value.Validation?.GetValueOrDefault("saved_best") > 0 ? "; saved as the best so far" : "");

    /// <summary>Validation accuracy and mean per-class recall when the epoch was scored, else "".</summary>
    private static string Scores(TrainingProgress value) =>
        value.Validation is { } v && v.TryGetValue("val_acc", out double acc)
            ? string.Create(CultureInfo.InvariantCulture,
                $" valid accuracy {acc * 100:F2}% mean recall {v["val_mean_recall"] * 100:F2}%")
            : "";

    // An error about the checkpoints (one that changed on disk after the check above) names its file or
    // folder already: it goes out as it is, not as an error of the data folder.
    private static bool NamesCheckpoints(string message, string checkpoints) =>
        message.StartsWith(checkpoints, StringComparison.Ordinal)
        || message.StartsWith($"'{checkpoints}", StringComparison.Ordinal);

    // --out inside --data (or the same folder) put the model and its checkpoints among the class
    // folders: the run warned about them as data, and its resume was refused because the data
    // folder's listing had changed. Found by a new-user trial.
    private static void RefuseOutInsideData(string outDir, string dataDir)
    {
        string output = InputPaths.Canonical(outDir).TrimEnd('/');
        string data = InputPaths.Canonical(dataDir).TrimEnd('/');
        if (data.Length > 0 && (output == data || output.StartsWith(data + "/", StringComparison.Ordinal)))
        {
            throw new CliException(outDir, $"lies inside the data folder {dataDir}: the model and its checkpoints " +
                "would be listed with the faces; give an --out outside it");
        }
    }
}
