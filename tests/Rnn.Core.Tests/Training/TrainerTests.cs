using Rnn.Core.Losses;
using Rnn.Core.Nn;
using Rnn.Core.Optim;
using Rnn.Core.Serialization;
using Rnn.Core.Training;

namespace Rnn.Core.Tests.Training;

public sealed class TrainerTests
{
    private const int Features = 4;

    private sealed record Sample(float[] X, float Y);

    // y = sin(x . w) + 0.5 x0 x1: smooth, nonlinear, learnable by a tiny MLP.
    private static List<Sample> Samples(ulong seed, int count)
    {
        var rng = new Rng(seed);
        var w = new[] { 1.2f, -0.7f, 0.4f, 0.9f };
        return Enumerable.Range(0, count).Select(_ =>
        {
            var x = Enumerable.Range(0, Features).Select(_ => rng.Uniform(-1f, 1f)).ToArray();
            return new Sample(x, MathF.Sin(x.Zip(w, (a, b) => a * b).Sum()) + 0.5f * x[0] * x[1]);
        }).ToList();
    }

    private static (Tensor X, Tensor Y) Collate(IReadOnlyList<Sample> batch) =>
        (Tensor.FromArray(batch.SelectMany(s => s.X).ToArray(), batch.Count, Features),   // [batch, features]
         Tensor.FromArray(batch.Select(s => s.Y).ToArray(), batch.Count, 1));              // [batch, 1]

    private sealed class Setup
    {
        public Setup(ulong modelSeed, TrainerOptions options, bool useTrainerNoise = true)
        {
            DropoutRng = new Rng(77);
            Model = new Sequential(
                new Dense(Features, 16, new Rng(modelSeed), activation: UnaryOp.Tanh),
                new Dropout(0.1f, DropoutRng),
                new Dense(16, 1, new Rng(modelSeed + 1)));
            Optimizer = new AdamW(Model.NamedParameters(), 0.01f, weightDecay: 1e-3f);
            Data = new ShuffledBatchSource<Sample, (Tensor X, Tensor Y)>(Samples(5, 60), 8, seed: 9, Collate);
            Trainer = new Trainer<(Tensor X, Tensor Y)>(Model, Optimizer, b => Loss(b, useTrainerNoise), options);
            Trainer.TrackRng("dropout", DropoutRng);
        }

        public Sequential Model { get; }

        public Rng DropoutRng { get; }

        public AdamW Optimizer { get; }

        public ShuffledBatchSource<Sample, (Tensor X, Tensor Y)> Data { get; }

        public Trainer<(Tensor X, Tensor Y)> Trainer { get; }

        // Input noise from the trainer's generator, so a resume must restore it to match.
        private Tensor Loss((Tensor X, Tensor Y) b, bool noise)
        {
            var x = noise ? Ops.Add(b.X, Trainer.Rng.Normal(b.X.Backend, 0.01f, b.X.ShapeArray)) : b.X;
            return MseLoss.Compute(Model.Forward(x), b.Y);
        }

        public double Evaluate()
        {
            var (x, y) = Collate(Samples(6, 100));
            Model.Eval();
            double loss = MseLoss.Compute(Model.Forward(x), y).Item();
            Model.Train();
            return loss;
        }
    }

    private static TrainerOptions ResumeOptions(string dir, int epochs) => new()
    {
        Epochs = epochs,
        Seed = 3,
        Schedule = new WarmupSchedule(new CosineSchedule(0.02f, 16, 0.002f), 3),
        ClipGradientNorm = 1f,
        CheckpointDirectory = dir,
        CheckpointEverySteps = 3,
        KeepCheckpoints = 3,
        Resume = true,
    };

    [Test]
    public void LossFallsOnASmallRegression()
    {
        var s = new Setup(1, new TrainerOptions { Epochs = 25, Seed = 2 });
        double before = s.Evaluate();
        var progress = new ListProgress<TrainingProgress>();
        var result = s.Trainer.Fit(s.Data, progress);
        double after = s.Evaluate();
        Assert.That(after, Is.LessThan(before * 0.1), $"held-out MSE {before} -> {after}");
        Assert.That(result.Epochs[^1].MeanLoss, Is.LessThan(result.Epochs[0].MeanLoss * 0.3));
        Assert.That(result.Steps, Is.EqualTo(25 * 8));

        var steps = progress.Items.Where(p => p.Event == TrainingEvent.Step).ToList();
        Assert.That(steps, Has.Count.EqualTo(200));
        Assert.That(steps[^1].StepsPerSecond, Is.GreaterThan(0));
        Assert.That(steps[^1].Eta, Is.EqualTo(TimeSpan.Zero));
        Assert.That(steps[10].Eta, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(progress.Items.Count(p => p.Event == TrainingEvent.EpochEnd), Is.EqualTo(25));
        Assert.That(steps[10].ToString(), Does.StartWith("Step epoch 2/25 batch 3/8 step 11 loss "));
        Assert.That(steps[10].ToString(), Does.Contain(" ETA 00:"));
    }

    [Test]
    public void ResumeAtAnEpochBoundaryMatchesAnUninterruptedRun()
    {
        using var straightDir = new TempDir();
        var straight = new Setup(1, ResumeOptions(straightDir.Path, 2));
        straight.Trainer.Fit(straight.Data);

        using var dir = new TempDir();
        var first = new Setup(1, ResumeOptions(dir.Path, 1));
        first.Trainer.Fit(first.Data);

        // A new process: different initial weights and generator states, all overwritten by the checkpoint.
        var resumed = new Setup(42, ResumeOptions(dir.Path, 2));
        resumed.DropoutRng.NextUInt64();
        var result = resumed.Trainer.Fit(resumed.Data);

        Assert.That(result.ResumedFrom, Does.EndWith("checkpoint-0000000008.safetensors"));
        Assert.That(result.Epochs.Select(e => e.Epoch), Is.EqualTo(new[] { 1 }));
        Assert.That(TrainingTestUtil.Weights(resumed.Model), Is.EqualTo(TrainingTestUtil.Weights(straight.Model)));
        Assert.That(resumed.Optimizer.StepCount, Is.EqualTo(16));
    }

    [Test]
    public void ResumeAfterAKillMidEpochMatchesAnUninterruptedRun()
    {
        using var straightDir = new TempDir();
        var straight = new Setup(1, ResumeOptions(straightDir.Path, 2));
        var straightResult = straight.Trainer.Fit(straight.Data);

        // Killed after step 11: the last checkpoint is step 9, so steps 10 and 11 run again.
        using var dir = new TempDir();
        var killed = new Setup(1, ResumeOptions(dir.Path, 2));
        using var cancel = new CancellationTokenSource();
        var progress = new ListProgress<TrainingProgress>(p =>
        {
            if (p.Event == TrainingEvent.Step && p.Step == 11)
            {
                cancel.Cancel();
            }
        });
        Assert.Throws<OperationCanceledException>(() => killed.Trainer.Fit(killed.Data, progress, cancel.Token));
        var saved = progress.Items.Where(p => p.Event == TrainingEvent.Checkpoint).Select(p => p.Step);
        Assert.That(saved, Is.EqualTo(new long[] { 3, 6, 8, 9 }));

        var resumed = new Setup(42, ResumeOptions(dir.Path, 2));
        var resumedProgress = new ListProgress<TrainingProgress>();
        var result = resumed.Trainer.Fit(resumed.Data, resumedProgress);
        Assert.That(resumedProgress.Items[0].Event, Is.EqualTo(TrainingEvent.Resumed));
        Assert.That(resumedProgress.Items[0].Step, Is.EqualTo(9));
        // Started follows, before any step: listeners time the run from there.
        Assert.That(resumedProgress.Items[1].Event, Is.EqualTo(TrainingEvent.Started));
        Assert.That(resumedProgress.Items[1].Step, Is.EqualTo(9));
        Assert.That(progress.Items[0].Event, Is.EqualTo(TrainingEvent.Started), "a fresh run starts with it");
        Assert.That(progress.Items[0].Step, Is.Zero);
        Assert.That(TrainingTestUtil.Weights(resumed.Model), Is.EqualTo(TrainingTestUtil.Weights(straight.Model)));
        Assert.That(result.Epochs[0].MeanLoss, Is.EqualTo(straightResult.Epochs[1].MeanLoss));
    }

    // Flipped bytes in the newest checkpoint used to be loaded as weights: the run then went on from
    // garbage (or stopped at "loss is NaN"). The checksum refuses the file and the run resumes from
    // the one before it, ending where an uninterrupted run ends.
    [Test]
    public void ResumePastACorruptCheckpointFallsBackAndMatchesAnUninterruptedRun()
    {
        using var straightDir = new TempDir();
        var straight = new Setup(1, ResumeOptions(straightDir.Path, 2));
        straight.Trainer.Fit(straight.Data);

        using var dir = new TempDir();
        var first = new Setup(1, ResumeOptions(dir.Path, 1));
        first.Trainer.Fit(first.Data);
        string newest = Path.Combine(dir.Path, "checkpoint-0000000008.safetensors");
        CheckpointFileTests.FlipDataBytes(newest, 0.5, count: 4);

        var resumed = new Setup(42, ResumeOptions(dir.Path, 2));
        var progress = new ListProgress<TrainingProgress>();
        var result = resumed.Trainer.Fit(resumed.Data, progress);

        var unreadable = progress.Items.Single(p => p.Event == TrainingEvent.CheckpointUnreadable);
        Assert.That(unreadable.CheckpointPath, Is.EqualTo(newest));
        Assert.That(unreadable.Problem, Does.Contain("corrupt (checksum mismatch)"));
        Assert.That(result.ResumedFrom, Does.EndWith("checkpoint-0000000006.safetensors"));
        Assert.That(TrainingTestUtil.Weights(resumed.Model), Is.EqualTo(TrainingTestUtil.Weights(straight.Model)));
    }

    // A folder another kind of training wrote is refused before anything is restored: its weights
    // or settings would otherwise be the first thing said to differ.
    [Test]
    public void ResumeFromAnotherKindOfTrainingIsRefusedNamingTheKind()
    {
        using var dir = new TempDir();
        var first = new Setup(1, ResumeOptions(dir.Path, 1) with { RunKind = "speech" });
        first.Trainer.Fit(first.Data);

        var other = new Setup(42, ResumeOptions(dir.Path, 2) with { RunKind = "caption" });
        var before = TrainingTestUtil.Weights(other.Model);
        var e = Assert.Throws<InvalidDataException>(() => other.Trainer.Fit(other.Data));

        Assert.That(e!.Message, Does.EndWith("checkpoint-0000000008.safetensors: cannot resume: this checkpoint is " +
            "from a speech training, not a caption training; continue it with the training that wrote it, or " +
            "train this one in another folder"));
        Assert.That(TrainingTestUtil.Weights(other.Model), Is.EqualTo(before));
    }

    [Test]
    public void RunsAreReproducibleFromTheSeed()
    {
        var a = new Setup(1, new TrainerOptions { Epochs = 2, Seed = 3 });
        var b = new Setup(1, new TrainerOptions { Epochs = 2, Seed = 3 });
        var c = new Setup(1, new TrainerOptions { Epochs = 2, Seed = 4 });
        a.Trainer.Fit(a.Data);
        b.Trainer.Fit(b.Data);
        c.Trainer.Fit(c.Data);
        Assert.That(TrainingTestUtil.Weights(a.Model), Is.EqualTo(TrainingTestUtil.Weights(b.Model)));
        Assert.That(TrainingTestUtil.Weights(a.Model), Is.Not.EqualTo(TrainingTestUtil.Weights(c.Model)));
    }

    [Test]
    public void CheckpointsAreSafetensorsAndOnlyTheNewestAreKept()
    {
        using var dir = new TempDir();
        var s = new Setup(1, ResumeOptions(dir.Path, 2) with { Resume = false, KeepCheckpoints = 2 });
        s.Trainer.Fit(s.Data);
        var store = new CheckpointStore(dir.Path);
        Assert.That(store.List().Select(f => f.Step), Is.EqualTo(new long[] { 15, 16 }));
        Assert.That(Directory.GetFiles(dir.Path), Has.Length.EqualTo(2), "no temp files left behind");

        var file = SafeTensors.Load(store.List()[^1].Path);
        Assert.That(file.Metadata["step"], Is.EqualTo("16"));
        Assert.That(file.Metadata["epoch"], Is.EqualTo("2"));
        var lastWeight = s.Model.NamedParameters().First(p => p.Path == "2.weight").Parameter.Value;
        Assert.That(file.ReadFloats("model.2.weight"), Is.EqualTo(lastWeight.ToArray()));
        Assert.That(file.Contains("optim.0.weight.exp_avg_sq"));
    }

    [Test]
    public void StartingOverRemovesAnEarlierRunsCheckpointsSoAResumeContinuesTheNewRun()
    {
        // An earlier run of 4 epochs (steps up to 32) in the folder; a new run of 1 epoch (8 steps)
        // starts over. Pruning keeps the highest steps, so the old 30-32 would outlive the new
        // run's 6 and 8, and a resume would continue the old run.
        using var dir = new TempDir();
        var old = new Setup(1, ResumeOptions(dir.Path, 4) with { Resume = false });
        old.Trainer.Fit(old.Data);
        Assert.That(new CheckpointStore(dir.Path).List().Select(f => f.Step), Is.EqualTo(new long[] { 27, 30, 32 }));

        var reports = new ListProgress<TrainingProgress>();
        var fresh = new Setup(2, ResumeOptions(dir.Path, 1) with { Resume = false });
        fresh.Trainer.Fit(fresh.Data, reports);

        Assert.That(new CheckpointStore(dir.Path).List().Select(f => f.Step), Is.EqualTo(new long[] { 3, 6, 8 }));
        var cleared = reports.Items.Single(r => r.Event == TrainingEvent.CheckpointsCleared);
        Assert.That(cleared.CheckpointPath, Is.EqualTo(dir.Path));
        Assert.That(cleared.Problem, Is.EqualTo("3 checkpoints of an earlier run"));

        var resumed = new Setup(2, ResumeOptions(dir.Path, 2));
        var result = resumed.Trainer.Fit(resumed.Data);
        Assert.That(result.ResumedFrom, Does.EndWith("checkpoint-0000000008.safetensors"));
    }

    [Test]
    public void ValidatorRunsInEvalModeEachEpoch()
    {
        var s = new Setup(1, new TrainerOptions { Epochs = 3 });
        var modes = new List<bool>();
        s.Trainer.Validator = epoch =>
        {
            modes.Add(s.Model.Training);
            return new Dictionary<string, double> { ["epoch"] = epoch, ["val_mse"] = s.Evaluate() };
        };
        var progress = new ListProgress<TrainingProgress>();
        var result = s.Trainer.Fit(s.Data, progress);
        Assert.That(modes, Is.EqualTo(new[] { false, false, false }));
        Assert.That(result.Epochs.Select(e => e.Validation!["epoch"]), Is.EqualTo(new[] { 0.0, 1.0, 2.0 }));
        var ends = progress.Items.Where(p => p.Event == TrainingEvent.EpochEnd).ToList();
        Assert.That(ends[2].Validation!["val_mse"], Is.EqualTo(result.Epochs[2].Validation!["val_mse"]));
        Assert.That(s.Model.Training, Is.True);
    }

    [Test]
    public void NonFiniteLossThrowsOrIsSkipped()
    {
        var model = new Dense(1, 1, new Rng(1));
        var data = new ShuffledBatchSource<int, int>(Enumerable.Range(0, 4).ToList(), 1, 1, b => b[0], shuffle: false);
        Tensor Loss(int i) => i == 2
            ? Ops.Scale(Ops.Sum(model.Weight.Value), float.NaN)
            : Ops.Sum(Ops.Square(model.Weight.Value));
        var strict = new Trainer<int>(model, new Sgd(model.NamedParameters(), 0.1f), Loss);
        Assert.That(() => strict.Fit(data), Throws.InvalidOperationException.With.Message.Contains("batch 2"));

        var lenient = new Trainer<int>(
            model, new Sgd(model.NamedParameters(), 0.1f), Loss, new TrainerOptions { SkipNonFiniteSteps = true });
        var result = lenient.Fit(data);
        Assert.That(result.SkippedSteps, Is.EqualTo(1));
        Assert.That(float.IsFinite(model.Weight.Value.Item()));
    }
}
