using System.Globalization;
using Multimodal.Cli.Batch;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Models;
using Pipelines.Speech.Audio;
using Pipelines.Speech.Data;
using Pipelines.Speech.Features;
using Pipelines.Speech.Model;
using Pipelines.Speech.Training;
using Pipelines.Speech.Transcription;
using Rnn.Core;
using Rnn.Core.Training;

namespace Multimodal.Cli.Commands;

/// <summary>
/// One <c>train speech</c> run: reads and checks the manifests, decodes and featurises the audio
/// (skipping files that fail, see <see cref="TrainingSkips"/>), builds the vocabulary, trains with
/// <see cref="SpeechTrainer"/> and saves the model directory. Epoch lines (loss, validation
/// WER/CER) go to stdout.
/// </summary>
public static class SpeechTrainingRun
{
    /// <summary>Runs the training; returns the exit code.</summary>
    /// <param name="context">The CLI context.</param>
    /// <param name="parse">The command line.</param>
    /// <param name="s">The run's settings.</param>
    /// <param name="force">Start over in an --out folder that holds an earlier run (see EarlierRun).</param>
    /// <param name="cancellation">Stops the run at the next step.</param>
    /// <exception cref="CliException">A missing manifest, no usable audio, an unusable setting, or an earlier
    /// run in --out without --force or --resume.</exception>
    public static int Run(CliContext context, System.CommandLine.ParseResult parse, TrainSpeechSettings s,
        bool force, CancellationToken cancellation)
    {
        // Before any audio is decoded; a run that fails before its first checkpoint leaves no folder.
        using var folder = OutputFolder.Reserve(s.OutDir, "--out");
        using var hold = OutputLock.Acquire(s.OutDir, "train run");   // two runs would mix their files
        EarlierRun.Check(s.OutDir, s.CheckpointDirectory, s.Resume, force);
        using var checkpoints = OutputFolder.Reserve(s.CheckpointDirectory, "--out");
        var output = context.Environment.Out;
        var settings = ResumeSettings(s);   // hashes the manifests once for the check and the checkpoints
        if (s.Resume)
        {
            // The trainer checks these again when it restores the checkpoint; checking here first spares
            // the user the decoding of every file, which takes most of the start-up, before the refusal.
            ResumeCheck.Before(s.CheckpointDirectory, SpeechTrainer.TrainingKind, settings);
        }

        // Before the audio is decoded (seconds to minutes on a large manifest).
        ResumeNotice.Before(output, "", s.CheckpointDirectory, s.Resume);
        // A resumed run takes its weights from the checkpoint; --init only starts a run.
        bool fromCheckpoint = s.Resume && new CheckpointStore(s.CheckpointDirectory).List().Count > 0;
        if (s.Init is not null && fromCheckpoint)
        {
            output.WriteLine($"train speech: --init {s.Init} is not used: the run continues from its checkpoint");
        }

        var initial = s.Init is null || fromCheckpoint ? null : InitialModel(s);

        var trainRows = ManifestRows.Read(context, s.Manifest);
        var validRows = s.Valid is null ? null : ManifestRows.Read(context, s.Valid);
        if (trainRows is null || (s.Valid is not null && validRows is null))
        {
            return ExitCodes.Failure;
        }

        // Before any audio is decoded; the vocabulary would refuse them only after, without the line.
        var reserved = trainRows.Where(r => TranscriptVocabulary.Problem(r.Transcript, s.CharVocabulary) is not null)
            .ToList();
        foreach (var row in reserved)
        {
            context.Error($"{s.Manifest}:{row.Line}",
                $"transcript {TranscriptVocabulary.Problem(row.Transcript, s.CharVocabulary)}; reword the row");
        }

        if (reserved.Count > 0)
        {
            return ExitCodes.Failure;
        }

        WarnOfRepeatedRecordings(context, s.Manifest, trainRows);
        if (s.Valid is not null)
        {
            WarnOfRepeatedRecordings(context, s.Valid, validRows!);
        }

        if (validRows is null)
        {
            (trainRows, validRows) = Split(trainRows, s.ValidFraction, s.Seed);
        }
        else if (trainRows.Select(r => r.AudioPath).Intersect(validRows.Select(r => r.AudioPath)).Count()
            is > 0 and var both)
        {
            // Validation on recordings it trains on measures memory, not how it does on new audio.
            context.Environment.Error.WriteLine(ErrorLine.FormatWarning(s.Valid,
                $"{both} of its {validRows.Count} recordings are also in the training manifest, so the validation " +
                "figures flatter the model"));
        }

        var features = new AcousticFeatures { SampleRate = s.SampleRate, Mfcc = s.Mfcc };
        var (train, recordings, skipped) = Load(context, trainRows, features, "training", TrainingCopies(s),
            required: true);
        var (valid, _, validSkipped) = Load(context, validRows, features, "validation", null, required: false);
        AcousticVocabulary vocab;
        try
        {
            vocab = TranscriptVocabulary.Build(train.Select(u => u.Transcript), s.CharVocabulary);
        }
        catch (ArgumentException e)
        {
            throw new CliException(s.Manifest, e.Message);
        }

        var config = new AcousticModelConfig
        {
            Features = features,
            Vocabulary = vocab,
            Hidden = s.Hidden,
            Layers = s.Layers,
            Cell = s.Cell == "lstm" ? RecurrentCellKind.Lstm : RecurrentCellKind.Gru,
            Dropout = s.DropoutPercent / 100f,
        };
        var model = new AcousticModel(config, new Rng(s.Seed));
        if (initial is not null)
        {
            var copied = model.CopyWeightsFrom(initial);
            static bool Layer(string name) => !name.StartsWith("output.", StringComparison.Ordinal);
            int layers = model.NamedParameters().Count(p => Layer(p.Path));
            int body = copied.Copied.Count(Layer);
            if (body == 0)
            {
                throw new CliException(s.Init, "none of its layers has this run's shape (--hidden, --layers, --cell)");
            }

            string tokens = copied.TokensKept == copied.Tokens
                ? "every output token"
                : $"{copied.TokensKept} of {copied.Tokens} output tokens (the others start afresh)";
            output.WriteLine(
                $"train speech: starting from {s.Init}: {body} of {layers} layer weight tensors, {tokens}");
            if (body < layers)
            {
                // A layer that starts random between copied ones (another --hidden, --layers or --cell)
                // makes the copied layers around it start from features they were not trained on.
                context.Environment.Error.WriteLine(ErrorLine.FormatWarning(s.Init, $"only {body} of its {layers} " +
                    "layer weight tensors fit this run (--hidden, --layers or --cell differ from its own), so the " +
                    "rest start random"));
            }
        }

        // Counted after the files that failed to decode are dropped: what really trains.
        // The validation files skipped are said here too, so this line and the closing summary
        // (which counts both sets) add up.
        string copies = train.Count > recordings ? " with their augmented copies" : "";
        var notes = new List<string>();
        if (copies.Length > 0 || skipped > 0)
        {
            notes.Add($"{recordings} recordings{copies}{(skipped > 0 ? $", {skipped} skipped" : "")}");
        }

        if (validSkipped > 0)
        {
            notes.Add($"{validSkipped} validation file{(validSkipped == 1 ? "" : "s")} skipped");
        }

        string used = notes.Count > 0 ? $" ({string.Join("; ", notes)})" : "";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train speech: {train.Count} training, {valid.Count} validation utterances; {vocab.Count} tokens " +
            $"({(s.CharVocabulary ? "chars" : "words")}); {config.Layers}x{config.Cell} {config.Hidden}, " +
            $"{model.ParameterCount()} parameters{used}"));

        var trainExamples = train
            .Select(u => new SpeechExample(u.Features, vocab.Encode(ErrorRates.Normalize(u.Transcript)))).ToArray();
        var validExamples = valid.Select(u => new SpeechExample(u.Features, [])).ToArray();
        var trainer = new SpeechTrainer(model, new SpeechTrainerOptions
        {
            Epochs = s.Epochs,
            BatchSize = s.Batch,
            LearningRate = s.LearningRate,
            Seed = s.Seed,
            CheckpointDirectory = s.CheckpointDirectory,
            Resume = s.Resume,
            RunSettings = settings,
            ReportEverySteps = 1,
        });

        TrainingResult result;
        string? scores = null;   // the last epoch line's validation figures, for the model card
        using (var reporter = context.Progress(parse))
        {
            var progress = new TrainingProgressSink(context, reporter, "train speech",
                _ => scores = WerCer(Validate(model, valid, validExamples)), cancellation)
            {
                Started = () => TrainedModelCard.RecordCommand(parse, s.CheckpointDirectory),
            };
            try
            {
                result = progress.Watch(() => trainer.Fit(trainExamples, null, progress, cancellation));
            }
            finally
            {
                progress.Dispose();
            }
        }

        bool trained = result.Epochs.Count > 0;
        bool newWeights = TrainedModelCard.SaveChangesWeights(s.OutDir,
            () => AcousticModelDirectory.Save(s.OutDir, model)) || trained;
        if (!trained && valid.Count > 0)
        {
            // A resume that found every epoch done printed no epoch line, so no figures for the card. Had the
            // run that wrote the checkpoint been killed during its final save, the card would be missing
            // (it is written last) or an earlier stage's, and was then written with "No key metric". The
            // checkpoint's weights are the model's now: the figures are measured on them again.
            scores = WerCer(Validate(model, valid, validExamples));
            output.WriteLine($"train speech: the checkpoint's model:{scores}");
        }

        bool card = new TrainedModelCard("speech", s.OutDir)
        {
            Data = s.Valid is null
                ? $"manifest `{s.Manifest}` (validation rows held out of it)"
                : $"manifest `{s.Manifest}`, validation manifest `{s.Valid}`",
            Items = $"{train.Count} training, {valid.Count} validation utterances{used}",
            Epochs = TrainedModelCard.Progress(result, s.Epochs),
            KeyMetric = valid.Count > 0 ? scores?.Trim() : null,
            NewWeights = newWeights,
        }.Write(context, parse);
        string steps = result.Steps == 1 ? "1 step" : $"{result.Steps} steps";
        output.WriteLine($"saved {s.OutDir} (config.json, weights.safetensors{(card ? ", MODEL_CARD.md" : "")}) " +
            $"after {steps}");
        TrainingSkips.Summary(context, "train speech", skipped + validSkipped, trainRows.Count + validRows.Count,
            "files");
        return ExitCodes.Success;
    }

    private static (IReadOnlyList<ManifestEntry> Train, IReadOnlyList<ManifestEntry> Valid) Split(
        IReadOnlyList<ManifestEntry> rows, double fraction, ulong seed)
    {
        int held = rows.Count < 2 || fraction <= 0 ? 0 : Math.Clamp((int)Math.Round(rows.Count * fraction), 1,
            rows.Count - 1);
        var order = Enumerable.Range(0, rows.Count).ToArray();
        var rng = new Rng(seed);
        for (int i = order.Length - 1; i > 0; i--)   // Fisher-Yates
        {
            int j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        var validSet = order.Take(held).ToHashSet();
        return (rows.Where((_, i) => !validSet.Contains(i)).ToArray(), rows.Where((_, i) => validSet.Contains(i))
            .ToArray());
    }

    // The options that change what is trained on but not the weights' shapes, so a checkpoint would
    // otherwise resume under new values silently; recorded in each checkpoint and checked on resume.
    // The seed picks the held-out rows: another seed would move utterances between the training and
    // validation sets halfway through a run, so it is refused like the rest. The shape options are
    // here too, so that a changed one is named before any audio is decoded (the weights' shapes
    // would refuse it anyway, but only after decoding, with every mismatched tensor listed).
    // The split's share, the batch (steps per epoch, so where an epoch ends) and the manifests'
    // contents (a row added or removed moves others between the sets) are compared the same way.
    // The --init model, loaded and checked against this run's features before any audio is decoded.
    private static AcousticModel InitialModel(TrainSpeechSettings s)
    {
        var initial = BundledModel.Load(s.Init!, "speech", AcousticModelDirectory.Load);
        var theirs = initial.Config.Features;
        if (theirs.SampleRate != s.SampleRate || theirs.Mfcc != s.Mfcc || (s.Mfcc == 0 && theirs.MelBands != 40))
        {
            string reads(int rate, int mfcc, int bands) => mfcc > 0
                ? $"{mfcc} MFCCs at {rate} Hz"
                : $"{bands} log-mel bands at {rate} Hz";
            string theirReading = reads(theirs.SampleRate, theirs.Mfcc, theirs.MelBands);
            throw new CliException(s.Init, $"its model reads {theirReading}, " +
                $"this run {reads(s.SampleRate, s.Mfcc, 40)}: give --sample-rate {theirs.SampleRate}" +
                (theirs.Mfcc > 0 ? $" --mfcc {theirs.Mfcc}" : "") + " to start from it");
        }

        return initial;
    }

    // Checkpoints of earlier versions lack some keys; those are not compared.
    private static Dictionary<string, string> ResumeSettings(TrainSpeechSettings s) => new()
    {
        ["--seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
        ["--batch"] = s.Batch.ToString(CultureInfo.InvariantCulture),
        // The schedule's peak: another one would change the rest of the run, as in the other train verbs.
        ["--lr"] = s.LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["--valid-fraction"] = s.Valid is null ? s.ValidFraction.ToString("R", CultureInfo.InvariantCulture) : "unused",
        ["the manifest's hash"] = FileFingerprint.Of(s.Manifest),
        ["the --valid manifest's hash"] = s.Valid is null ? "none" : FileFingerprint.Of(s.Valid),
        ["--hidden"] = s.Hidden.ToString(CultureInfo.InvariantCulture),
        ["--layers"] = s.Layers.ToString(CultureInfo.InvariantCulture),
        ["--cell"] = s.Cell,
        ["--sample-rate"] = s.SampleRate.ToString(CultureInfo.InvariantCulture),
        ["--dropout-percent"] = s.DropoutPercent.ToString(CultureInfo.InvariantCulture),
        ["--speed-percent"] = s.SpeedPercent.ToString(CultureInfo.InvariantCulture),
        ["--wave"] = s.Wave ? "on" : "off",
        ["--mfcc"] = s.Mfcc.ToString(CultureInfo.InvariantCulture),
        ["--vocab"] = s.CharVocabulary ? "chars" : "words",
    };

    // Extra training versions of one recording (row index, samples at the feature rate); the
    // recording itself is always kept. Null when no augmentation is asked for.
    private static Func<int, float[], IEnumerable<float[]>>? TrainingCopies(TrainSpeechSettings s)
    {
        double[] speeds = s.SpeedPercent > 0 ? [1 - s.SpeedPercent / 100.0, 1 + s.SpeedPercent / 100.0]
            : s.Wave ? [1.0] : [];
        if (speeds.Length == 0)
        {
            return null;
        }

        var wave = s.Wave ? new WaveAugment() : null;
        return (row, samples) => speeds.Select((speed, k) =>
        {
            var copy = SpeedPerturbation.Apply(samples, s.SampleRate, speed);
            // One generator per copy, seeded by row and copy, so the parallel load repeats exactly.
            var rng = new Rng(s.Seed * 0x9E3779B97F4A7C15UL + (ulong)row * 8 + (ulong)k);
            return wave is null ? copy : wave.Apply(copy, s.SampleRate, rng);
        });
    }

    // A recording on two rows of a manifest is trained on (or scored) twice: perhaps meant, as a way
    // to weigh it, but more often a manifest joined twice; said once a row, with the earlier line.
    private static void WarnOfRepeatedRecordings(CliContext context, string manifest, IReadOnlyList<ManifestEntry> rows)
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            string key = Path.GetFullPath(row.AudioPath);
            if (!first.TryAdd(key, row.Line))
            {
                context.Environment.Error.WriteLine(ErrorLine.FormatWarning($"{manifest}:{row.Line}",
                    $"the same recording as line {first[key]}; it is used twice"));
            }
        }
    }

    // The utterances (recordings and their copies), the recordings they came from, and the files skipped.
    // None at all is an error for a required set (training), a warning for validation.
    private static (IReadOnlyList<LoadedUtterance> Utterances, int Recordings, int Skipped) Load(
        CliContext context, IReadOnlyList<ManifestEntry> rows, AcousticFeatures features, string what,
        Func<int, float[], IEnumerable<float[]>>? copies, bool required)
    {
        var loaded = new LoadedUtterance[]?[rows.Count];
        var errors = new string?[rows.Count];
        using var extractor = new ThreadLocal<LogMelSpectrogram>(features.CreateExtractor);
        var read = new AudioReadOptions { TargetSampleRate = features.SampleRate };
        Parallel.For(0, rows.Count, i =>
        {
            try
            {
                var samples = AudioReader.ReadAll(rows[i].AudioPath, read);
                var m = features.Compute(extractor.Value!, samples);
                errors[i] = m.Frames > 0 ? null : "too short for one feature frame";
                if (m.Frames > 0)
                {
                    var extra = copies is null ? [] : copies(i, samples)
                        .Select(c => features.Compute(extractor.Value!, c)).Where(c => c.Frames > 0);
                    loaded[i] = [.. extra.Prepend(m).Select(f => new LoadedUtterance(f, rows[i].Transcript))];
                }
            }
            catch (Exception e) when (e is AudioFormatException or IOException or UnauthorizedAccessException)
            {
                errors[i] = SpeechModelLocator.Reason(e);
            }
        });

        int skipped = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            if (errors[i] is { } reason)
            {
                TrainingSkips.Warn(context, rows[i].AudioPath, reason);
                skipped++;
            }
        }

        // The count is not printed here: TrainingSkips.Summary says it once, at the end of the run.
        var result = loaded.OfType<LoadedUtterance[]>().SelectMany(u => u).ToArray();

        if (result.Length == 0 && rows.Count > 0)
        {
            if (!required)
            {
                // Validation only (the training set has its own check): a run with training data
                // trains, as with any other unreadable files, and says it has no figures to show.
                context.Environment.Error.WriteLine(ErrorLine.FormatWarning(null,
                    $"none of the {rows.Count} {what} files could be decoded: training without validation"));
                return ([], 0, skipped);
            }

            throw new CliException(null, $"none of the {rows.Count} {what} files could be decoded");
        }

        return (result, rows.Count - skipped, skipped);
    }

    // Word and character error rates of greedy decoding on the validation set.
    private static (double Wer, double Cer)? Validate(
        AcousticModel model, IReadOnlyList<LoadedUtterance> valid, IReadOnlyList<SpeechExample> examples)
    {
        if (valid.Count == 0)
        {
            return null;
        }

        var vocab = model.Config.Vocabulary;
        var hypotheses = SpeechTrainer.Decode(model, examples).Select(ids => vocab.Decode(ids)).ToArray();
        var references = valid.Select(u => u.Transcript).ToArray();
        return (ErrorRates.Words(hypotheses, references), ErrorRates.Characters(hypotheses, references));
    }

    private sealed record LoadedUtterance(FeatureMatrix Features, string Transcript);

    /// <summary>The epoch-end suffix: validation WER and CER, or a note that there is no validation set.</summary>
    private static string WerCer((double Wer, double Cer)? scores) => scores is { } v
        ? string.Create(CultureInfo.InvariantCulture, $" valid WER {v.Wer * 100:F2}% CER {v.Cer * 100:F2}%")
        : " (no validation set)";
}
