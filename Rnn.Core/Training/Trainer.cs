using System.Diagnostics;
using System.Globalization;
using Rnn.Core.Autograd;
using Rnn.Core.Nn;
using Rnn.Core.Optim;

namespace Rnn.Core.Training;

/// <summary>
/// Runs epochs of minibatch training: for each batch, the learning rate from the schedule,
/// zeroed gradients, the user's loss, backward, optional clipping, one optimizer step; then a
/// validation callback and a checkpoint per epoch. A run resumed from a checkpoint gives the
/// same weights, bit for bit, as one that was never interrupted, provided the loss function is
/// deterministic given its batch and the tracked generators.
/// </summary>
/// <example>
/// <code>
/// var trainer = new Trainer&lt;(Tensor X, Tensor Y)&gt;(model, new Adam(model.NamedParameters()),
///     b => MseLoss.Compute(model.Forward(b.X), b.Y),
///     new TrainerOptions { Epochs = 10, ClipGradientNorm = 1f, CheckpointDirectory = "ckpt", Resume = true });
/// trainer.Validator = epoch => new Dictionary&lt;string, double&gt; { ["val_loss"] = Evaluate(model) };
/// var result = trainer.Fit(batches, progress);
/// </code>
/// </example>
/// <typeparam name="TBatch">What the batch source yields and the loss function takes.</typeparam>
public sealed class Trainer<TBatch>
{
    private const string TrainerRngName = "trainer";
    private readonly Module model;
    private readonly IOptimizer optimizer;
    private readonly Func<TBatch, Tensor> loss;
    private readonly Dictionary<string, Rng> rngs = new(StringComparer.Ordinal);

    /// <summary>Creates a trainer.</summary>
    /// <param name="model">The model; its parameters are checkpointed by path.</param>
    /// <param name="optimizer">Updates the model's parameters.</param>
    /// <param name="loss">Computes a scalar loss from a batch (runs the model inside).</param>
    /// <param name="options">Run settings; defaults when null.</param>
    public Trainer(Module model, IOptimizer optimizer, Func<TBatch, Tensor> loss, TrainerOptions? options = null)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        this.optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        this.loss = loss ?? throw new ArgumentNullException(nameof(loss));
        Options = options ?? new TrainerOptions();
        Options.Validate();
        Rng = new Rng(Options.Seed);
        rngs[TrainerRngName] = Rng;

        // The model's own generators (dropout masks) are checkpointed too, so a resumed run
        // draws the same masks as an uninterrupted one.
        foreach (var (path, rng) in model.NamedGenerators())
        {
            rngs["model." + path] = rng;
        }
    }

    /// <summary>The run settings.</summary>
    public TrainerOptions Options { get; }

    /// <summary>A generator seeded by <see cref="TrainerOptions.Seed"/> and saved in checkpoints.</summary>
    public Rng Rng { get; }

    /// <summary>
    /// Called after each epoch with the 0-based epoch, in eval mode with no tape; returns
    /// metrics by name, reported at the epoch end and kept in the result.
    /// </summary>
    public Func<int, IReadOnlyDictionary<string, double>>? Validator { get; set; }

    /// <summary>
    /// Saves and restores another generator with the checkpoints, so a resumed run draws the same
    /// numbers. The model's own generators (<see cref="Module.NamedGenerators"/>: Dropout, Rnn and
    /// StackedRnn masks) are tracked already; use this for generators the loss or data code draws from.
    /// </summary>
    public void TrackRng(string name, Rng rng)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!rngs.TryAdd(name, rng ?? throw new ArgumentNullException(nameof(rng))))
        {
            throw new ArgumentException($"a generator named '{name}' is already tracked");
        }
    }

    /// <summary>Trains for <see cref="TrainerOptions.Epochs"/> epochs (fewer when resuming).</summary>
    /// <param name="data">The batches.</param>
    /// <param name="progress">Receives step, epoch-end, checkpoint and resume reports.</param>
    /// <param name="cancellation">
    /// Stops between steps (throws OperationCanceledException); no checkpoint is written.
    /// </param>
    public TrainingResult Fit(
        IBatchSource<TBatch> data, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var run = new RunState(this, data, progress);
        run.Begin();
        var summaries = new List<EpochSummary>();
        for (; run.Epoch < Options.Epochs; run.Epoch++)
        {
            model.Train();
            bool checkpointDue = false;
            for (int b = run.NextBatch; b < data.BatchesPerEpoch; b++)
            {
                cancellation.ThrowIfCancellationRequested();
                run.TrainBatch(b);
                if (Options.CheckpointEverySteps > 0 && run.Step % Options.CheckpointEverySteps == 0)
                {
                    // At an epoch's last batch the checkpoint waits until after validation.
                    if (b == data.BatchesPerEpoch - 1)
                    {
                        checkpointDue = true;
                    }
                    else
                    {
                        run.SaveCheckpoint(run.Epoch, b + 1);
                    }
                }
            }

            summaries.Add(run.EndEpoch());
            if (Options.CheckpointAtEpochEnd || checkpointDue)
            {
                run.SaveCheckpoint(run.Epoch + 1, 0);
            }
        }

        // The loop leaves Epoch at the end of the run, or where a checkpoint past the end put it.
        return new TrainingResult(run.Step, summaries, run.ResumedFrom, run.Skipped) { EpochsDone = run.Epoch };
    }

    // The mutable state of one Fit call, so the loop above reads as the algorithm.
    private sealed class RunState
    {
        private readonly Trainer<TBatch> t;
        private readonly IBatchSource<TBatch> data;
        private readonly IProgress<TrainingProgress>? progress;
        private readonly CheckpointStore? store;
        private readonly Stopwatch clock = new();
        private long stepsAtStart;
        private double epochLossSum;
        private int epochLossCount;
        private float lastLoss = float.NaN;
        private float? lastNorm;

        public RunState(Trainer<TBatch> trainer, IBatchSource<TBatch> data, IProgress<TrainingProgress>? progress)
        {
            t = trainer;
            this.data = data;
            this.progress = progress;
            var o = trainer.Options;
            store = o.CheckpointDirectory is null
                ? null
                : new CheckpointStore(o.CheckpointDirectory, o.KeepCheckpoints);
            if (data.BatchesPerEpoch <= 0)
            {
                throw new ArgumentException($"the batch source has {data.BatchesPerEpoch} batches per epoch");
            }
        }

        public int Epoch { get; set; }

        public int NextBatch { get; private set; }

        public long Step { get; private set; }

        public int Skipped { get; private set; }

        public string? ResumedFrom { get; private set; }

        public void Begin()
        {
            var latest = t.Options.Resume
                ? store!.LoadLatest((path, e) => Report(TrainingEvent.CheckpointUnreadable, path, problem: e.Message))
                : null;
            if (!t.Options.Resume && store?.Clear() is > 0 and var removed)
            {
                Report(TrainingEvent.CheckpointsCleared, store.Directory,
                    problem: string.Create(CultureInfo.InvariantCulture,
                        $"{removed} checkpoint{(removed == 1 ? "" : "s")} of an earlier run"));
            }

            if (latest is { } found)
            {
                var c = found.Checkpoint;
                c.CheckKind(t.Options.RunKind, found.Path);
                if (t.Options.RunSettings is { } settings)
                {
                    c.CheckSettings(settings, found.Path);
                }

                c.Restore(t.model, t.optimizer, t.rngs);
                (Step, Epoch, NextBatch) = (c.Step, c.Epoch, c.NextBatch);
                (epochLossSum, epochLossCount) = (c.EpochLossSum, c.EpochLossCount);
                if (NextBatch >= data.BatchesPerEpoch)
                {
                    throw new InvalidDataException(
                        $"'{found.Path}' resumes at batch {NextBatch} but the source has " +
                        $"{data.BatchesPerEpoch} per epoch");
                }

                ResumedFrom = found.Path;
                string? unverified = c.Verified ? null : TrainingProgress.UnverifiedResume;
                Report(TrainingEvent.Resumed, found.Path, problem: unverified);
            }

            stepsAtStart = Step;
            clock.Start();
            Report(TrainingEvent.Started);
        }

        public void TrainBatch(int index)
        {
            var batch = data.GetBatch(Epoch, index);
            NextBatch = index + 1;
            Step++;
            if (TryStep(batch, out float value, out float? norm))
            {
                epochLossSum += value;
                epochLossCount++;
                (lastLoss, lastNorm) = (value, norm);
                if (Step % t.Options.ReportEverySteps == 0)
                {
                    Report(TrainingEvent.Step);
                }
            }
            else
            {
                Skipped++;
                (lastLoss, lastNorm) = (value, norm);
                Report(TrainingEvent.SkippedStep);
            }
        }

        private bool TryStep(TBatch batch, out float value, out float? norm)
        {
            var opt = t.optimizer;
            if (t.Options.Schedule is { } schedule)
            {
                opt.LearningRate = schedule.LearningRate(opt.StepCount);
            }

            opt.ZeroGrad();
            norm = null;
            using (var tape = Tape.Begin())
            {
                var l = t.loss(batch);
                if (l.Length != 1)
                {
                    throw new InvalidOperationException($"the loss function must return one value; got {l.Describe()}");
                }

                value = l.Item();
                if (!float.IsFinite(value))
                {
                    return NonFinite($"loss is {value}");
                }

                tape.Backward(l);
            }

            if (t.Options.ClipGradientNorm is { } clip)
            {
                norm = GradientClipping.ClipByGlobalNorm(opt.Parameters.Select(p => p.Parameter), clip);
                if (!float.IsFinite(norm.Value))
                {
                    return NonFinite($"gradient norm is {norm}");
                }
            }

            opt.Step();
            return true;
        }

        private bool NonFinite(string what)
        {
            if (!t.Options.SkipNonFiniteSteps)
            {
                throw new InvalidOperationException(
                    $"{what} at epoch {Epoch} batch {NextBatch - 1} (step {Step}); lower the learning rate, " +
                    "clip gradients, or set SkipNonFiniteSteps");
            }

            return false;
        }

        public EpochSummary EndEpoch()
        {
            IReadOnlyDictionary<string, double>? metrics = null;
            if (t.Validator is { } validate)
            {
                t.model.Eval();
                using (Tape.NoGrad())
                {
                    metrics = validate(Epoch);
                }

                t.model.Train();
            }

            var summary = new EpochSummary(Epoch, EpochMean, metrics);
            Report(TrainingEvent.EpochEnd, validation: metrics);
            (epochLossSum, epochLossCount, NextBatch) = (0, 0, 0);
            return summary;
        }

        public void SaveCheckpoint(int epoch, int nextBatch)
        {
            if (store is null)
            {
                return;
            }

            // A checkpoint at an epoch boundary starts the next epoch's loss sums from zero.
            bool boundary = nextBatch == 0;
            var c = TrainingCheckpoint.Capture(
                t.model, t.optimizer, t.rngs, Step, epoch, nextBatch,
                boundary ? 0 : epochLossSum, boundary ? 0 : epochLossCount, t.Options.RunSettings,
                t.Options.RunKind);
            Report(TrainingEvent.Checkpoint, store.Save(c));
        }

        private double EpochMean => epochLossCount > 0 ? epochLossSum / epochLossCount : double.NaN;

        private void Report(
            TrainingEvent kind, string? path = null, IReadOnlyDictionary<string, double>? validation = null,
            string? problem = null)
        {
            if (progress is null)
            {
                return;
            }

            double seconds = clock.Elapsed.TotalSeconds;
            double rate = seconds > 0 ? (Step - stepsAtStart) / seconds : 0;
            long remaining = (long)t.Options.Epochs * data.BatchesPerEpoch - Step;
            TimeSpan? eta = rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, remaining) / rate) : null;
            progress.Report(new TrainingProgress(
                kind, Epoch, t.Options.Epochs, Step, NextBatch, data.BatchesPerEpoch, lastLoss, EpochMean,
                t.optimizer.LearningRate, lastNorm, rate, eta, validation, path, problem));
        }
    }
}
