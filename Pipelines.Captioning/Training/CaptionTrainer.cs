using System.Text.Json;
using Pipelines.Captioning.Data;
using Pipelines.Captioning.Decoding;
using Pipelines.Captioning.Metrics;
using Pipelines.Captioning.Model;
using Pipelines.Captioning.Text;
using Rnn.Core;
using Rnn.Core.Losses;
using Rnn.Core.Optim;
using Rnn.Core.Serialization;
using Rnn.Core.Training;

namespace Pipelines.Captioning.Training;

/// <summary>
/// Trains a <see cref="CaptionModel"/> with teacher forcing and cross-entropy on cached image
/// vectors (Rnn.Core's <see cref="Trainer{TBatch}"/>: Adam, warm-up + cosine, clipping, atomic
/// checkpoints, exact resume). After each epoch the validation images are captioned with beam
/// search and scored; the weights with the best score of <see cref="CaptionTrainerOptions.Selection"/>
/// (by default BLEU-4, with CIDEr-D, then BLEU-1, on ties) are kept (best.safetensors), and training
/// stops after <see cref="CaptionTrainerOptions.Patience"/> epochs without improvement. The
/// model ends holding the best weights.
/// </summary>
public sealed class CaptionTrainer
{
    private const string BestWeights = "best.safetensors";
    private const string BestState = "best.json";

    /// <summary>
    /// The kind recorded in this trainer's checkpoints (<see cref="TrainerOptions.RunKind"/>): a resume
    /// from another kind's checkpoint is refused with that kind named.
    /// </summary>
    public const string TrainingKind = "caption";

    /// <summary>Creates the trainer.</summary>
    public CaptionTrainer(CaptionTrainerOptions? options = null) => Options = options ?? new CaptionTrainerOptions();

    /// <summary>The settings.</summary>
    public CaptionTrainerOptions Options { get; }

    /// <summary>Every caption of every image that has a vector, as training examples.</summary>
    public static IReadOnlyList<CaptionExample> Examples(IEnumerable<CaptionedImage> images, FeatureStore store,
        Vocabulary vocabulary) =>
        images.Where(i => store.Contains(i.Image)).SelectMany(i => i.Captions.Select(c =>
            new CaptionExample(store.Row(i.Image), vocabulary.Encode(CaptionTokenizer.Tokenize(c))))).ToArray();

    /// <summary>Trains.</summary>
    /// <param name="model">The model (fresh, or matching the checkpoints when resuming).</param>
    /// <param name="store">Cached vectors of the training and validation images.</param>
    /// <param name="train">Training images.</param>
    /// <param name="validation">Validation images (early stopping); empty trains every epoch.</param>
    /// <param name="progress">Trainer reports; epoch ends carry val_bleu4 and the other scores.</param>
    /// <param name="cancellation">Stops between steps.</param>
    public CaptionTrainingResult Fit(CaptionModel model, FeatureStore store, IReadOnlyList<CaptionedImage> train,
        IReadOnlyList<CaptionedImage> validation, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        var o = Options;
        var examples = Examples(train, store, model.Config.Vocabulary);
        if (examples.Count == 0)
        {
            throw new ArgumentException("no training caption has a cached image vector");
        }

        var valid = validation.Where(v => store.Contains(v.Image)).ToArray();
        var best = BestRun.Load(o.CheckpointDirectory, o.Resume);
        if (best.Stopped)
        {
            best.Restore(model, o.CheckpointDirectory!);
            return new CaptionTrainingResult(null, best.Epoch, best.Scores, StoppedEarly: true);
        }

        var data = new ShuffledBatchSource<CaptionExample, CaptionBatch>(examples, o.BatchSize, o.Seed,
            batch => CaptionBatch.Collate(batch, store, model.Config.MaxLength));
        long total = (long)o.Epochs * data.BatchesPerEpoch;
        // At most a tenth of the run warms up, so short runs still train at the peak rate.
        int warmup = (int)Math.Min(o.WarmupSteps, total / 10);
        var schedule = new WarmupSchedule(new CosineSchedule(o.LearningRate, Math.Max(1, total - warmup),
            o.LearningRate / 10f), warmup);
        var trainer = new Trainer<CaptionBatch>(model, new Adam(model.NamedParameters(), o.LearningRate),
            b => Loss(model, b), new TrainerOptions
            {
                Epochs = o.Epochs,
                Seed = o.Seed,
                Schedule = schedule,
                ClipGradientNorm = o.ClipGradientNorm,
                CheckpointDirectory = o.CheckpointDirectory,
                CheckpointEverySteps = o.CheckpointEverySteps,
                Resume = o.Resume,
                RunSettings = o.RunSettings,
                RunKind = TrainingKind,
                ReportEverySteps = o.ReportEverySteps,
                SkipNonFiniteSteps = true,
            });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (valid.Length > 0)
        {
            trainer.Validator = epoch =>
            {
                var scores = Score(model, store, valid, o.Validation);
                best.Update(epoch, scores, model, o.CheckpointDirectory, o.Patience, o.Selection);
                if (best.Stopped)
                {
                    stop.Cancel();
                }

                return new Dictionary<string, double>
                {
                    ["val_bleu1"] = scores.Bleu1, ["val_bleu4"] = scores.Bleu4, ["val_cider_d"] = scores.CiderD,
                };
            };
        }

        TrainingResult? result = null;
        try
        {
            result = trainer.Fit(data, progress, stop.Token);
        }
        catch (OperationCanceledException) when (best.Stopped && !cancellation.IsCancellationRequested)
        {
            // Early stop: the trainer saw the cancellation at the first step after the epoch.
        }

        best.Restore(model, o.CheckpointDirectory);
        return new CaptionTrainingResult(result, best.Epoch, best.Scores, best.Stopped);
    }

    /// <summary>Scores beam-search captions of <paramref name="images"/> against their references.</summary>
    public static CaptionScores Score(CaptionModel model, FeatureStore store, IReadOnlyList<CaptionedImage> images,
        BeamSearchOptions options)
    {
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            var generated = new List<string>();
            const int chunk = 64;
            for (int start = 0; start < images.Count; start += chunk)
            {
                var part = images.Skip(start).Take(chunk).ToArray();
                var vectors = new float[part.Length * store.VectorSize];
                for (int i = 0; i < part.Length; i++)
                {
                    store.Vector(store.Row(part[i].Image)).CopyTo(vectors.AsSpan(i * store.VectorSize));
                }

                var features = model.Features(Tensor.FromArray(vectors, part.Length, store.VectorSize));
                generated.AddRange(BeamSearch.Run(model, features, options).Select(c => c.Text));
            }

            return CaptionScores.Compute(generated, images.Select(i => i.Captions).ToArray());
        }
        finally
        {
            model.Train(wasTraining);
        }
    }

    /// <summary>
    /// Whether validation scores <paramref name="a"/> beat <paramref name="b"/> under <paramref name="selection"/>:
    /// BLEU-4 with CIDEr-D, then BLEU-1, on ties (short captions can have BLEU-4 0 for many epochs); or the
    /// mean of BLEU-1..4 with BLEU-4 on ties.
    /// </summary>
    public static bool IsBetter(CaptionScores a, CaptionScores b, CaptionSelection selection)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return selection switch
        {
            CaptionSelection.BleuMean => (BleuMean(a), a.Bleu4).CompareTo((BleuMean(b), b.Bleu4)) > 0,
            _ => (a.Bleu4, a.CiderD, a.Bleu1).CompareTo((b.Bleu4, b.CiderD, b.Bleu1)) > 0,
        };
    }

    private static double BleuMean(CaptionScores s) => (s.Bleu1 + s.Bleu2 + s.Bleu3 + s.Bleu4) / 4;

    private static Tensor Loss(CaptionModel model, CaptionBatch b)
    {
        var logits = model.Logits(b.Vectors, b.Inputs, b.Lengths);   // [batch, steps, vocab]
        return CrossEntropyLoss.Compute(logits, b.Targets);
    }

    // The best validation epoch so far, kept on disk beside the checkpoints so a resumed run
    // continues the early-stopping count instead of starting it again.
    private sealed class BestRun
    {
        public int Epoch { get; private set; } = -1;

        public int SinceBest { get; private set; }

        public bool Stopped { get; private set; }

        public CaptionScores? Scores { get; private set; }

        private float[][]? weights;

        public static BestRun Load(string? directory, bool resume)
        {
            var run = new BestRun();
            string? path = directory is null ? null : Path.Combine(directory, BestState);
            if (!resume || path is null || !File.Exists(path))
            {
                return run;
            }

            var state = JsonSerializer.Deserialize<State>(File.ReadAllText(path))
                ?? throw new InvalidDataException($"{path}: empty early-stopping state");
            run.Epoch = state.Epoch;
            run.SinceBest = state.SinceBest;
            run.Stopped = state.Stopped;
            run.Scores = state.Scores;
            return run;
        }

        public void Update(int epoch, CaptionScores scores, CaptionModel model, string? directory, int patience,
            CaptionSelection selection)
        {
            if (Scores is null || IsBetter(scores, Scores, selection))
            {
                (Epoch, Scores, SinceBest) = (epoch, scores, 0);
                weights = model.Parameters().Select(p => p.Value.ToArray()).ToArray();
                if (directory is not null)
                {
                    Directory.CreateDirectory(directory);
                    ModelIo.SaveWeights(model, Path.Combine(directory, BestWeights));
                }
            }
            else
            {
                SinceBest++;
            }

            Stopped = patience > 0 && SinceBest >= patience;
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
                AtomicFile.WriteAllText(Path.Combine(directory, BestState),
                    JsonSerializer.Serialize(new State(Epoch, SinceBest, Stopped, Scores)));
            }
        }


        public void Restore(CaptionModel model, string? directory)
        {
            if (weights is not null)
            {
                foreach (var (p, values) in model.Parameters().Zip(weights))
                {
                    p.Load(values);
                }
            }
            else if (Epoch >= 0 && directory is not null && File.Exists(Path.Combine(directory, BestWeights)))
            {
                ModelIo.LoadWeights(model, Path.Combine(directory, BestWeights));
            }
        }

        private sealed record State(int Epoch, int SinceBest, bool Stopped, CaptionScores? Scores);
    }
}
