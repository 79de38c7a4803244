using Pipelines.Speech.Model;
using Rnn.Core.Losses;
using Rnn.Core.Optim;
using Rnn.Core.Training;

namespace Pipelines.Speech.Training;

/// <summary>
/// Trains an <see cref="AcousticModel"/> with CTC on Rnn.Core's <see cref="Trainer{TBatch}"/>:
/// AdamW, linear warm-up then cosine decay, gradient clipping, vocal tract length perturbation
/// and SpecAugment on training batches,
/// length-bucketed batches, token error rate (greedy collapse) on the validation set after each
/// epoch, atomic checkpoints and resume.
/// </summary>
/// <example>
/// <code>
/// var trainer = new SpeechTrainer(model, new SpeechTrainerOptions { Epochs = 8, CheckpointDirectory = "ckpt" });
/// var result = trainer.Fit(train, validation, new Progress&lt;TrainingProgress&gt;(p => log.WriteLine(p)));
/// </code>
/// </example>
public sealed class SpeechTrainer
{
    /// <summary>Name of the validation metric reported each epoch.</summary>
    public const string ValidationMetric = "val_ter";

    /// <summary>
    /// The kind recorded in this trainer's checkpoints (<see cref="TrainerOptions.RunKind"/>): a resume
    /// from another kind's checkpoint is refused with that kind named.
    /// </summary>
    public const string TrainingKind = "speech";

    private readonly AcousticModel model;

    /// <summary>Creates the trainer.</summary>
    public SpeechTrainer(AcousticModel model, SpeechTrainerOptions? options = null)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        Options = options ?? new SpeechTrainerOptions();
    }

    /// <summary>The run settings.</summary>
    public SpeechTrainerOptions Options { get; }

    /// <summary>Trains on <paramref name="train"/>; validates on <paramref name="validation"/> when given.</summary>
    /// <param name="train">Training utterances.</param>
    /// <param name="validation">Validation utterances (no augmentation), or null.</param>
    /// <param name="progress">Step, epoch-end (with val_ter), checkpoint and resume reports.</param>
    /// <param name="cancellation">Stops between steps.</param>
    public TrainingResult Fit(
        IReadOnlyList<SpeechExample> train, IReadOnlyList<SpeechExample>? validation = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        CheckTokens(train, "training");
        if (validation is not null)
        {
            CheckTokens(validation, "validation");
        }

        var o = Options;
        var data = new BucketedBatchSource(train, o.BatchSize, o.Seed, o.Augment, o.Vtlp, model.Config.Features);
        long total = (long)o.Epochs * data.BatchesPerEpoch;
        int warmup = (int)Math.Min(o.WarmupSteps, Math.Max(0, total - 1));
        var schedule = new WarmupSchedule(
            new CosineSchedule(o.LearningRate, Math.Max(1, total - warmup), o.FinalLearningRate), warmup);
        var optimizer = new AdamW(model.NamedParameters(), o.LearningRate, weightDecay: o.WeightDecay);
        var ctc = new CtcOptions { Blank = model.Config.Vocabulary.BlankIndex, ZeroInfinity = true };
        var trainer = new Trainer<SpeechBatch>(model, optimizer, b => Loss(b, ctc), new TrainerOptions
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
        if (validation is { Count: > 0 })
        {
            trainer.Validator = _ => new Dictionary<string, double> { [ValidationMetric] = Evaluate(validation) };
        }

        return trainer.Fit(data, progress, cancellation);
    }

    /// <summary>Token error rate of greedy decoding on <paramref name="examples"/> (eval mode, no tape).</summary>
    public double Evaluate(IReadOnlyList<SpeechExample> examples, int batchSize = 32)
    {
        var hypotheses = Decode(model, examples, batchSize);
        return TokenErrorRate.Compute(hypotheses, examples.Select(e => (IReadOnlyList<int>)e.Tokens).ToArray());
    }

    /// <summary>Greedy CTC token sequences of <paramref name="examples"/>, in their order.</summary>
    public static IReadOnlyList<int>[] Decode(
        AcousticModel model, IReadOnlyList<SpeechExample> examples, int batchSize = 32)
    {
        var result = new IReadOnlyList<int>[examples.Count];
        var order = Enumerable.Range(0, examples.Count).OrderBy(i => examples[i].Features.Frames).ToArray();
        bool wasTraining = model.Training;
        model.Eval();
        using (Rnn.Core.Autograd.Tape.NoGrad())
        {
            for (int start = 0; start < order.Length; start += batchSize)
            {
                var idx = order.Skip(start).Take(batchSize).ToArray();
                var batch = SpeechBatch.From(idx.Select(i => examples[i]).ToArray());
                var fwd = model.Forward(batch.Features, batch.Lengths);
                float[] logits = fwd.Logits.ToArray();   // [batch, time', vocab]
                int time = fwd.Logits.Dim(1), vocab = fwd.Logits.Dim(2);
                for (int b = 0; b < idx.Length; b++)
                {
                    result[idx[b]] = GreedyCtc.Collapse(logits.AsSpan(b * time * vocab, time * vocab),
                        fwd.Lengths[b], vocab, model.Config.Vocabulary.BlankIndex);
                }
            }
        }

        model.Train(wasTraining);
        return result;
    }

    private Rnn.Core.Tensor Loss(SpeechBatch batch, CtcOptions ctc)
    {
        var fwd = model.Forward(batch.Features, batch.Lengths);
        return CtcLoss.Compute(fwd.Logits, batch.Targets, fwd.Lengths, ctc);
    }

    private void CheckTokens(IReadOnlyList<SpeechExample> examples, string what)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var vocab = model.Config.Vocabulary;
        for (int i = 0; i < examples.Count; i++)
        {
            foreach (int t in examples[i].Tokens)
            {
                if (t < 0 || t >= vocab.Count || t == vocab.BlankIndex)
                {
                    throw new ArgumentException(
                        $"{what} example {i} has token {t}; tokens must be in [0, {vocab.Count}) and not the blank " +
                        $"({vocab.BlankIndex})");
                }
            }

            if (examples[i].Features.Frames == 0)
            {
                throw new ArgumentException($"{what} example {i} has no feature frames");
            }
        }
    }
}
