using System.Globalization;
using System.Text;
using Multimodal.Cli.Batch;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Progress;
using Pipelines.Captioning.Captioning;
using Pipelines.Captioning.Data;
using Pipelines.Captioning.Decoding;
using Pipelines.Captioning.Encoders;
using Pipelines.Captioning.Images;
using Pipelines.Captioning.Model;
using Pipelines.Captioning.Text;
using Pipelines.Captioning.Training;
using Rnn.Core;
using Rnn.Core.Serialization;
using Rnn.Core.Training;

namespace Multimodal.Cli.Commands.Captioning;

/// <summary>
/// One <c>train caption</c> run: read the captions, hold out validation images from the training
/// split, fill the feature cache (resumable), build the vocabulary, train with early stopping,
/// save the model directory. Epoch lines (loss, validation BLEU-1/4, CIDEr-D) go to stdout.
/// </summary>
internal static class CaptionTrainingRun
{
    public static int Run(CliContext context, System.CommandLine.ParseResult parse, TrainCaptionSettings s,
        bool force, CancellationToken cancellation)
    {
        // Before any image is read; a run that fails before writing leaves no folder behind.
        using var outFolder = OutputFolder.Reserve(s.OutDir, "--out");
        using var hold = OutputLock.Acquire(s.OutDir, "train run");   // two runs would mix their files
        EarlierRun.Check(s.OutDir, s.CheckpointDirectory, s.Resume, force);
        using var checkpoints = OutputFolder.Reserve(s.CheckpointDirectory, "--out");
        using var cacheFolder = s.Cache is null ? null : OutputFolder.Reserve(s.Cache, "--cache");
        var output = context.Environment.Out;
        if (!Directory.Exists(s.Images))
        {
            throw new CliException(s.Images, "image folder does not exist");
        }

        var all = CaptionInputs.OfSplit(CaptionInputs.Read(s.Captions), s.Split ?? "train", s.Captions);
        var (train, valid) = HoldOut(all, s.ValidImages, s.Seed);
        var settings = ResumeSettings(s);   // hashes the caption file once for the check and the checkpoints
        if (s.Resume)
        {
            // Before the encoder: a resume with another --encoder or --image-size used to encode every
            // image into the cache, replacing the checkpoint's features, and only then be refused.
            ResumeCheck.Before(s.CheckpointDirectory, CaptionTrainer.TrainingKind, settings);
        }

        // Before the images are encoded, as the other train verbs do.
        ResumeNotice.Before(output, "train caption: ", s.CheckpointDirectory, s.Resume);
        using var encoder = CreateEncoder(s, context.Environment);
        var store = Cache(context, parse, s, encoder, train.Concat(valid).ToArray(), cancellation);
        train = train.Where(i => store.Contains(i.Image)).ToArray();
        valid = valid.Where(i => store.Contains(i.Image)).ToArray();
        if (train.Count == 0)
        {
            throw new CliException(s.Images, "none of the training images could be read");
        }

        // Said once the work can go on, so a run that fails above still fails in one line.
        // The count held out is the readable one, the figure the summary line below gives.
        if (valid.Count < s.ValidImages)
        {
            int unreadable = store.Failures.Count;
            context.Environment.Error.WriteLine(ErrorLine.FormatWarning("--valid-images",
                $"asked for {s.ValidImages} but the split has {all.Count} images"
                + (unreadable > 0 ? $", {unreadable} of them unreadable" : "")
                + $"; holding out {valid.Count} (at least one stays for training)"));
        }

        WriteValidationList(s.ValidationList, valid);
        var vocab = Vocabulary.Build(train.SelectMany(i => i.Captions).Select(c => CaptionTokenizer.Tokenize(c)),
            s.MinCount);
        var config = new CaptionModelConfig
        {
            Encoder = encoder.Kind,
            ImageSize = encoder.ImageSize,
            CnnChannels = s.CnnChannels,
            Embed = s.Embed,
            Hidden = s.Hidden,
            Layers = s.Layers,
            Dropout = s.Dropout,
            Vocabulary = vocab,
        };
        var model = new CaptionModel(config, new Rng(s.Seed));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train caption: {train.Count} training, {valid.Count} validation images; {vocab.Count} tokens; "
            + $"encoder {encoder.Kind}; {config.Layers}x LSTM {config.Hidden}, {model.ParameterCount()} parameters"));

        var trainer = new CaptionTrainer(new CaptionTrainerOptions
        {
            Epochs = s.Epochs,
            BatchSize = s.Batch,
            LearningRate = s.LearningRate,
            Patience = s.Patience,
            Selection = s.Selection,
            Validation = new BeamSearchOptions { BeamWidth = s.Beam },
            Seed = s.Seed,
            CheckpointDirectory = s.CheckpointDirectory,
            Resume = s.Resume,
            RunSettings = settings,
        });
        CaptionTrainingResult result;
        using (var reporter = context.Progress(parse))
        using (var sink = new TrainingProgressSink(context, reporter, "train caption", BleuScores,
            cancellation) { Started = () => TrainedModelCard.RecordCommand(parse, s.CheckpointDirectory) })
        {
            result = sink.Watch(() => trainer.Fit(model, store, train, valid, sink, cancellation));
        }

        // Weights other than the folder's (a run killed after its last checkpoint, before its save) get a
        // card of their own even when this run trained nothing; the best epoch's scores come from best.json.
        bool newWeights = TrainedModelCard.SaveChangesWeights(s.OutDir,
            () => CaptionModelDirectory.Save(s.OutDir, model)) || result.Training is { Epochs.Count: > 0 };
        string best = result.Best is { } b
            ? string.Create(CultureInfo.InvariantCulture,
                $"best epoch {result.BestEpoch + 1}: validation BLEU-1 {b.Bleu1:F3} BLEU-4 {b.Bleu4:F3} "
                + $"CIDEr-D {b.CiderD:F3}")
            : "no validation set";
        string epochs = result.Training is null
            ? "stopped early before this run resumed"
            : TrainedModelCard.Progress(result.Training, s.Epochs) + (result.StoppedEarly ? ", stopped early" : "");
        bool card = new TrainedModelCard("caption", s.OutDir)
        {
            Data = $"images `{s.Images}`, captions `{s.Captions}`" + (s.Split is null ? "" : $" (split {s.Split})")
                + (valid.Count > 0 ? "; the validation images held out of them are listed in validation.tsv" : ""),
            Items = $"{train.Count} training, {valid.Count} validation images",
            Epochs = epochs + (result.BestEpoch >= 0
                ? $"; the weights are epoch {result.BestEpoch + 1}'s, the best on validation" : ""),
            KeyMetric = result.Best is null ? null : best,
            NewWeights = newWeights,
        }.Write(context, parse);
        output.WriteLine($"saved {s.OutDir} (config.json, weights.safetensors{(card ? ", MODEL_CARD.md" : "")}); "
            + best + (result.StoppedEarly ? "; stopped early" : ""));
        TrainingSkips.Summary(context, "train caption", store.Failures.Count, all.Count, "images");
        return ExitCodes.Success;
    }

    // What a resumed run must share with the checkpoint's: the model's sizes, the split and the
    // vocabulary (seed, held-out images, minimum count, the caption file's contents), the batches
    // and the schedule. Another --hidden used to surface as a weight-shape error naming no option, and a
    // change that left the vocabulary's size alone resumed on another split without a word.
    private static Dictionary<string, string> ResumeSettings(TrainCaptionSettings s) => new()
    {
        ["--seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
        ["--hidden"] = s.Hidden.ToString(CultureInfo.InvariantCulture),
        ["--embed"] = s.Embed.ToString(CultureInfo.InvariantCulture),
        ["--layers"] = s.Layers.ToString(CultureInfo.InvariantCulture),
        ["--batch"] = s.Batch.ToString(CultureInfo.InvariantCulture),
        ["--valid-images"] = s.ValidImages.ToString(CultureInfo.InvariantCulture),
        ["--min-count"] = s.MinCount.ToString(CultureInfo.InvariantCulture),
        ["--encoder"] = s.Encoder,
        ["--image-size"] = s.ImageSize.ToString(CultureInfo.InvariantCulture),
        ["--cnn-channels"] = string.Join(",", s.CnnChannels),
        ["--split"] = s.Split ?? "none",
        ["the caption file's hash"] = FileFingerprint.Of(s.Captions),
        // The schedule and what picks the saved epoch: resumed with others, the run would be neither
        // the one begun nor one started with the new values (train video-predict refuses --lr too).
        ["--lr"] = s.LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["--dropout"] = s.Dropout.ToString("R", CultureInfo.InvariantCulture),
        ["--patience"] = s.Patience.ToString(CultureInfo.InvariantCulture),
        ["--select"] = s.Selection == CaptionSelection.BleuMean ? "bleu-mean" : "bleu4",
        // The validation decoding that scores every epoch: another width would compare BLEU of two kinds.
        ["--beam"] = s.Beam.ToString(CultureInfo.InvariantCulture),
    };

    // The held-out images as an "image<TAB>caption" TSV, so `eval caption --captions OUT/validation.tsv`
    // scores exactly the images that chose the epoch (and not the dev split).
    private static void WriteValidationList(string path, IReadOnlyList<CaptionedImage> valid)
    {
        if (valid.Count == 0)
        {
            File.Delete(path);   // a list from an earlier run would name images this run trains on
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var text = new StringBuilder("image\tcaption\n");
        foreach (var image in valid)
        {
            foreach (string caption in image.Captions)
            {
                string flat = caption.Replace('\t', ' ').Replace('\n', ' ');
                text.Append(image.Image).Append('\t').Append(flat).Append('\n');
            }
        }

        AtomicFile.WriteAllText(path, text.ToString());
    }

    private static IImageEncoder CreateEncoder(TrainCaptionSettings s, CliEnvironment environment)
    {
        if (s.Encoder == "small-cnn")
        {
            return new PixelEncoder(s.ImageSize);
        }

        var files = ResNet18Files.Locate(out string problem, environment.GetVariable)
            ?? throw new CliException(null, problem);
        try
        {
            return ResNet18Encoder.Open(files);
        }
        catch (InvalidDataException e)
        {
            throw new CliException(null, e.Message);
        }
    }

    private static FeatureStore Cache(CliContext context, System.CommandLine.ParseResult parse, TrainCaptionSettings s,
        IImageEncoder encoder, IReadOnlyList<CaptionedImage> images, CancellationToken cancellation)
    {
        var items = images.Select(i => new FeatureCache.Item(i.Image, CaptionInputs.PathOf(s.Images, i))).ToArray();
        FeatureStore store;
        using (var reporter = context.Progress(parse))
        using (var task = reporter.Start("encode images", items.Length))
        {
            long shown = 0;
            var progress = new InlineProgress<FeatureCache.Progress>(p =>
            {
                task.Advance(p.Done - shown);
                shown = p.Done;
                task.Message($"{p.Done}/{p.Total} images, {p.Failed} unreadable");
            });
            try
            {
                store = FeatureCache.Build(s.CacheDirectory, encoder, new ImageLoader(), items, progress,
                    cancellation: cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                task.Interrupt();   // the chunks written so far stay for the rerun
                throw;
            }
        }

        foreach (var (name, reason) in store.Failures)
        {
            TrainingSkips.Warn(context, Path.Combine(s.Images, name), reason);
        }

        context.Environment.Out.WriteLine(
            $"features: {store.Count} images cached in {s.CacheDirectory}, {store.Failures.Count} unreadable");
        return store;
    }

    private static (IReadOnlyList<CaptionedImage> Train, IReadOnlyList<CaptionedImage> Valid) HoldOut(
        IReadOnlyList<CaptionedImage> all, int count, ulong seed)
    {
        int held = Math.Clamp(count, 0, Math.Max(0, all.Count - 1));
        var order = Enumerable.Range(0, all.Count).ToArray();
        new Rng(seed).Shuffle(order.AsSpan());
        var validSet = order.Take(held).ToHashSet();
        return (all.Where((_, i) => !validSet.Contains(i)).ToArray(),
            all.Where((_, i) => validSet.Contains(i)).ToArray());
    }

    /// <summary>The epoch-end suffix: validation BLEU-1, BLEU-4 and CIDEr-D when the epoch was scored.</summary>
    private static string BleuScores(TrainingProgress value) =>
        value.Validation is { } v && v.TryGetValue("val_bleu4", out double b4)
            ? string.Create(CultureInfo.InvariantCulture,
                $" valid BLEU-1 {v["val_bleu1"]:F3} BLEU-4 {b4:F3} CIDEr-D {v["val_cider_d"]:F3}")
            : "";
}
