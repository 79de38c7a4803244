using System.Globalization;
using System.Text.Json.Nodes;
using Rnn.Core;
using Rnn.Core.Optim;
using Rnn.Core.Training;

namespace Pipelines.Video.Emotion;

/// <summary>
/// Trains <see cref="EmotionNet"/> on FER-2013-style folders: a stratified validation split
/// held out from the TRAIN folder (the test folder is never looked at), augmented clips of
/// 1-4 frames, class-weighted loss, AdamW with warm-up and cosine decay, a checkpoint every
/// <see cref="EmotionTrainingOptions.CheckpointEverySteps"/> steps (resume is exact), and the
/// model directory rewritten whenever validation accuracy improves.
/// </summary>
public sealed class EmotionTrainer
{
    /// <summary>
    /// The kind recorded in this trainer's checkpoints (<see cref="TrainerOptions.RunKind"/>): a resume
    /// from another kind's checkpoint is refused with that kind named.
    /// </summary>
    public const string TrainingKind = "emotion";

    private readonly EmotionTrainingOptions options;
    private readonly Action<string> log;
    private readonly Action<string, string> skipped;

    /// <summary>Creates a trainer; <paramref name="log"/> receives one line per event worth a person's eye.</summary>
    /// <param name="options">Data, output folder and hyper-parameters.</param>
    /// <param name="log">One line per epoch, save and the like.</param>
    /// <param name="skipped">
    /// Called with (file, reason) for each face image that cannot be read, and each folder whose faces
    /// are not read (no class, or inside a class folder); it is left out and training goes on. Null:
    /// such files are log lines ("skipped FILE: REASON").
    /// </param>
    public EmotionTrainer(
        EmotionTrainingOptions options, Action<string>? log = null, Action<string, string>? skipped = null)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.log = log ?? (_ => { });
        this.skipped = skipped ?? ((file, reason) => this.log($"skipped {file}: {reason}"));
    }

    /// <summary>
    /// Whether each epoch's validation figures go to the log (default). A caller that shows them
    /// from the progress reports (the epoch-end report's Validation holds val_acc,
    /// val_mean_recall and saved_best, 1 when the epoch's model was saved as the best so far)
    /// turns this off so they are not printed twice; the "saved" line is then its to print too.
    /// </summary>
    public bool LogsEpochScores { get; init; } = true;

    /// <summary>Faces trained on, once <see cref="Run"/> has split the data (0 before).</summary>
    public int TrainFaces { get; private set; }

    /// <summary>Faces held out for validation, once <see cref="Run"/> has split the data (0 before).</summary>
    public int ValidationFaces { get; private set; }

    /// <summary>Runs the training; returns the best validation figures.</summary>
    public EmotionTrainingResult Run(IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        var net = options.Network;
        var data = FerDataset.Load(options.DataDirectory, net.ImageSize, options.LimitPerClass, options.CheckFile);
        foreach (var (file, reason) in data.SkippedFiles)
        {
            skipped(file, reason);
        }

        foreach (string folder in data.OtherFolders)
        {
            skipped(folder, $"not a class folder ({FerDataset.NotAClassHint(folder)})");
        }

        foreach (string folder in data.NestedFolders)
        {
            skipped(folder, FerDataset.NestedFolderReason);
        }

        var (train, validation) = FerDataset.Split(data.Samples, options.ValidationEveryNth, options.Seed);
        (TrainFaces, ValidationFaces) = (train.Count, validation.Count);
        if (train.Count < options.BatchSize)
        {
            // Said before the class weights (NaN for a class with no face) and in the data's terms: the
            // batch source's "0 training faces make no batch of 4" did not say where the faces went.
            throw new ArgumentException($"{train.Count} training face{(train.Count == 1 ? "" : "s")} after holding " +
                $"out {validation.Count} for validation (the first face of each class and every " +
                $"{options.ValidationEveryNth}th after it), fewer than one batch of {options.BatchSize}: give more " +
                "faces, a smaller --batch or a larger --valid-every");
        }

        var counts = CountClasses(train);
        var weights = EmotionLoss.ClassWeights(counts, options.ClassWeightPower);
        log($"{train.Count} training faces, {validation.Count} validation faces; per class " +
            string.Join(", ", EmotionLabels.All.Select((l, c) => $"{l} {counts[c]} (w {weights[c]:0.00})")));
        var absent = EmotionLabels.All.Where((_, c) => counts[c] == 0).ToArray();
        if (absent.Length > 0)
        {
            log($"no training faces of {string.Join(", ", absent)}: the model cannot learn to predict " +
                (absent.Length == 1 ? "it" : "them"));
        }

        var model = new EmotionModel(new EmotionNet(net, new Rng(options.Seed)));
        var source = new EmotionBatchSource(
            train, options.BatchSize, new FaceSequenceAugmenter(net.ImageSize), options.LengthWeights, options.Seed);
        long total = (long)options.Epochs * source.BatchesPerEpoch;
        long warmup = Math.Min(total / 10, 300);
        var optimizer = new AdamW(model.Net.NamedParameters().Where(p => p.Parameter.Trainable),
            options.LearningRate, weightDecay: options.WeightDecay);
        var trainer = new Trainer<EmotionBatch>(model.Net, optimizer,
            b => EmotionLoss.Compute(model.Net.Forward(b.Faces), b.Labels, weights, options.LabelSmoothing),
            new TrainerOptions
            {
                Epochs = options.Epochs,
                Seed = options.Seed,
                Schedule = new WarmupSchedule(
                    new CosineSchedule(options.LearningRate, Math.Max(1, total - warmup), options.LearningRate / 50),
                    warmup),
                ClipGradientNorm = 5f,
                CheckpointDirectory =
                    options.CheckpointDirectory ?? Path.Combine(options.OutputDirectory, "checkpoints"),
                CheckpointEverySteps = options.CheckpointEverySteps,
                Resume = options.Resume,
                RunSettings = ResumeSettings(options),
                RunKind = TrainingKind,
                ReportEverySteps = 10,
            });

        var best = BestSoFar();
        trainer.Validator = epoch =>
        {
            var m = EmotionEvaluator.Evaluate(model, validation);
            if (LogsEpochScores)
            {
                log($"epoch {epoch + 1}: validation accuracy {m.Accuracy:P2}, mean recall {m.MeanRecall:P2}");
            }

            bool saved = m.Accuracy > best;
            if (saved)
            {
                best = m.Accuracy;
                model.Save(options.OutputDirectory, Extra(epoch, m));
                if (LogsEpochScores)
                {
                    log($"saved {options.OutputDirectory} (best validation accuracy so far)");
                }
            }

            // "saved_best" (1 or 0) lets a caller that prints the epoch line itself say there that
            // the model was saved, after the line rather than before it.
            return new Dictionary<string, double>
            {
                ["val_acc"] = m.Accuracy, ["val_mean_recall"] = m.MeanRecall, ["saved_best"] = saved ? 1 : 0,
            };
        };

        var result = trainer.Fit(source, progress, cancel);
        return new EmotionTrainingResult(result, best, train.Count, validation.Count, data.SkippedFiles.Count);
    }

    // A resumed run must not overwrite a better model saved before the interruption.
    private double BestSoFar()
    {
        string config = Rnn.Core.Serialization.ModelIo.ConfigPath(options.OutputDirectory);
        if (!options.Resume || !File.Exists(config))
        {
            return double.NegativeInfinity;
        }

        var node = JsonNode.Parse(File.ReadAllText(config))?["training"]?["validation_accuracy"];
        return node?.GetValue<double>() ?? double.NegativeInfinity;
    }

    private Dictionary<string, JsonNode?> Extra(int epoch, EmotionMetrics m) => new()
    {
        ["training"] = new JsonObject
        {
            ["data"] = Path.GetFileName(Path.TrimEndingDirectorySeparator(options.DataDirectory)),
            ["epoch"] = epoch + 1,
            ["epochs"] = options.Epochs,
            ["validation_every_nth"] = options.ValidationEveryNth,
            ["validation_accuracy"] = m.Accuracy,
            ["validation_mean_recall"] = m.MeanRecall,
            ["seed"] = options.Seed,
            ["class_weight_power"] = options.ClassWeightPower,
            ["length_weights"] = new JsonArray(options.LengthWeights.Select(w => (JsonNode)w).ToArray()),
        },
    };

    /// <summary>
    /// The options that change what a resumed run would train on (the split, the batches, the
    /// schedule) without changing the weights' shapes, by the names <c>train emotion</c> gives them:
    /// recorded in each checkpoint and compared on resume. Older checkpoints lack them and are not
    /// compared. A caller may compare them itself before the faces are read (they are slow to read).
    /// </summary>
    /// <param name="o">The run's options.</param>
    public static IReadOnlyDictionary<string, string> ResumeSettings(EmotionTrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var settings = new Dictionary<string, string>
        {
            ["--seed"] = o.Seed.ToString(CultureInfo.InvariantCulture),
            ["--batch"] = o.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["--lr"] = o.LearningRate.ToString("R", CultureInfo.InvariantCulture),
            ["--valid-every"] = o.ValidationEveryNth.ToString(CultureInfo.InvariantCulture),
            ["--limit-per-class"] = o.LimitPerClass.ToString(CultureInfo.InvariantCulture),
        };
        if (o.DataFingerprint is { } data)
        {
            settings["the data folder's listing"] = data;
        }

        return settings;
    }

    private static int[] CountClasses(IEnumerable<FaceSample> faces)
    {
        var counts = new int[EmotionLabels.Count];
        foreach (var f in faces)
        {
            counts[f.Label]++;
        }

        return counts;
    }
}

/// <summary>What a training run ended with.</summary>
/// <param name="Training">The trainer's result (steps, epoch summaries, resume point).</param>
/// <param name="BestValidationAccuracy">Accuracy of the saved model on the held-out part of train.</param>
/// <param name="TrainFaces">Faces trained on.</param>
/// <param name="ValidationFaces">Faces held out.</param>
/// <param name="SkippedFiles">Face images left out because they could not be read.</param>
public sealed record EmotionTrainingResult(
    TrainingResult Training, double BestValidationAccuracy, int TrainFaces, int ValidationFaces, int SkippedFiles = 0);
