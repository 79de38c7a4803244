using Rnn.Core.Nn;
using Rnn.Core.Optim;
using Rnn.Core.Training;

namespace Rnn.Core.Tests.Training;

public sealed class TrainingCheckpointTests
{
    [Test]
    public void RoundTripsThroughAFileExactly()
    {
        using var dir = new TempDir();
        var model = new Dense(3, 2, new Rng(1));
        var opt = new Adam(model.NamedParameters(), 0.01f);
        model.Weight.Value.EnsureGrad();
        model.Bias!.Value.EnsureGrad();
        model.Weight.Grad!.Span.Fill(0.3f);
        opt.Step();
        var rng = new Rng(5);
        rng.Normal();   // leaves a pending second sample
        var rngs = new Dictionary<string, Rng> { ["noise"] = rng };

        var c = TrainingCheckpoint.Capture(
            model, opt, rngs, step: 7, epoch: 1, nextBatch: 3, epochLossSum: 0.1 + 0.2, epochLossCount: 3);
        string path = new CheckpointStore(dir.Path).Save(c);
        var expectedNext = new Rng(5);
        expectedNext.Normal();
        float next = expectedNext.Normal();

        var other = new Dense(3, 2, new Rng(2));
        var otherOpt = new Adam(other.NamedParameters(), 0.5f);
        var otherRng = new Rng(99);
        var loaded = new CheckpointStore(dir.Path).LoadLatest()!.Value;
        Assert.That(loaded.Path, Is.EqualTo(path));
        loaded.Checkpoint.Restore(other, otherOpt, new Dictionary<string, Rng> { ["noise"] = otherRng });

        Assert.That(TrainingTestUtil.Weights(other), Is.EqualTo(TrainingTestUtil.Weights(model)));
        Assert.That(
            otherOpt.ExportState().Buffers["weight.exp_avg"], Is.EqualTo(opt.ExportState().Buffers["weight.exp_avg"]));
        Assert.That(otherOpt.StepCount, Is.EqualTo(1));
        Assert.That(otherRng.Normal(), Is.EqualTo(next));
        Assert.That(loaded.Checkpoint.EpochLossSum, Is.EqualTo(0.1 + 0.2));
        var position = (loaded.Checkpoint.Step, loaded.Checkpoint.Epoch, loaded.Checkpoint.NextBatch);
        Assert.That(position, Is.EqualTo((7L, 1, 3)));
    }

    [Test]
    public void RecordedSettingsRoundTripAndAChangedOneIsRefusedNamingBothValues()
    {
        using var dir = new TempDir();
        var model = new Dense(3, 2, new Rng(1));
        var opt = new Sgd(model.NamedParameters(), 0.1f);
        var recorded = new Dictionary<string, string> { ["--speed-percent"] = "10", ["--wave"] = "on" };
        var store = new CheckpointStore(dir.Path);
        store.Save(TrainingCheckpoint.Capture(model, opt, new Dictionary<string, Rng>(), 2, 1, 0, 0, 0, recorded));

        var loaded = store.LoadLatest()!.Value;

        Assert.That(loaded.Checkpoint.Settings, Is.EquivalentTo(recorded));
        Assert.DoesNotThrow(() => loaded.Checkpoint.CheckSettings(recorded, loaded.Path));
        var changed = new Dictionary<string, string> { ["--speed-percent"] = "20", ["--wave"] = "on" };
        var e = Assert.Throws<InvalidDataException>(() => loaded.Checkpoint.CheckSettings(changed, loaded.Path));
        // "folder: reason" like every other file error, with advice a rerun can follow.
        Assert.That(e!.Message, Is.EqualTo($"{dir.Path}: cannot resume: --speed-percent is 10 in the checkpoint, " +
            "20 now; rerun with the same options, or with --force to start over"));
    }

    [Test]
    public void ACheckpointWithoutRecordedSettingsAcceptsAny()
    {
        var model = new Dense(3, 2, new Rng(1));
        var c = TrainingCheckpoint.Capture(
            model, new Sgd(model.NamedParameters(), 0.1f), new Dictionary<string, Rng>(), 1, 0, 1, 0, 0);
        var file = c.ToFile();
        var back = TrainingCheckpoint.FromFile(file, "old.safetensors");

        Assert.That(back.Settings, Is.Empty);
        Assert.DoesNotThrow(() => back.CheckSettings(new Dictionary<string, string> { ["--wave"] = "on" }, "old"));
    }

    [Test]
    public void TheKindRoundTripsAndAResumeByAnotherKindIsRefusedNamingBoth()
    {
        using var dir = new TempDir();
        var model = new Dense(3, 2, new Rng(1));
        var opt = new Sgd(model.NamedParameters(), 0.1f);
        var store = new CheckpointStore(dir.Path);
        store.Save(TrainingCheckpoint.Capture(model, opt, new Dictionary<string, Rng>(), 2, 1, 0, 0, 0,
            kind: "speech"));

        var loaded = store.LoadLatest()!.Value;

        Assert.That(loaded.Checkpoint.Kind, Is.EqualTo("speech"));
        Assert.DoesNotThrow(() => loaded.Checkpoint.CheckKind("speech", loaded.Path));
        Assert.DoesNotThrow(() => loaded.Checkpoint.CheckKind(null, loaded.Path), "a run of no kind checks none");
        var e = Assert.Throws<InvalidDataException>(() => loaded.Checkpoint.CheckKind("emotion", loaded.Path));
        Assert.That(e!.Message, Is.EqualTo($"{loaded.Path}: cannot resume: this checkpoint is from a speech " +
            "training, not an emotion training; continue it with the training that wrote it, or train this one " +
            "in another folder"));
    }

    // Checkpoints written before the kind was recorded resume as before; their settings and weights
    // are still checked.
    [Test]
    public void ACheckpointWithoutAKindAcceptsAny()
    {
        var model = new Dense(3, 2, new Rng(1));
        var c = TrainingCheckpoint.Capture(
            model, new Sgd(model.NamedParameters(), 0.1f), new Dictionary<string, Rng>(), 1, 0, 1, 0, 0);
        var back = TrainingCheckpoint.FromFile(c.ToFile(), "old.safetensors");

        Assert.That(back.Kind, Is.Null);
        Assert.DoesNotThrow(() => back.CheckKind("caption", "old.safetensors"));
    }

    [Test]
    public void RestoreReportsEveryMismatchAtOnce()
    {
        var model = new Dense(3, 2, new Rng(1));
        var c = TrainingCheckpoint.Capture(
            model, new Sgd(model.NamedParameters(), 0.1f), new Dictionary<string, Rng>(), 1, 0, 1, 0, 0);
        var wider = new Dense(4, 2, new Rng(1), useBias: false);
        var e = Assert.Throws<InvalidDataException>(() =>
            c.Restore(
                wider, new Sgd(wider.NamedParameters(), 0.1f), new Dictionary<string, Rng> { ["x"] = new Rng(1) }));
        Assert.That(e!.Message, Does.Contain("'weight' is [2, 3] in the checkpoint, [2, 4] in the model"));
        Assert.That(e.Message, Does.Contain("unexpected weight 'bias'"));
        Assert.That(e.Message, Does.Contain("missing random generator 'x'"));
    }

    [Test]
    public void LatestIsNullForAnEmptyFolderAndTempFilesAreIgnored()
    {
        using var dir = new TempDir();
        var store = new CheckpointStore(dir.Path);
        File.WriteAllText(Path.Combine(dir.Path, ".checkpoint-0000000009.safetensors.abc.tmp"), "partial");
        Assert.That(store.LoadLatest(), Is.Null);
    }

    [Test]
    public void AnUnreadableNewestCheckpointFallsBackToTheNextOlder()
    {
        using var dir = new TempDir();
        var model = new Dense(3, 2, new Rng(1));
        var opt = new Sgd(model.NamedParameters(), 0.1f);
        var store = new CheckpointStore(dir.Path, keepLast: 0);
        string good = store.Save(TrainingCheckpoint.Capture(model, opt, new Dictionary<string, Rng>(), 4, 0, 4, 0, 0));
        string bad = Path.Combine(dir.Path, "checkpoint-0000000008.safetensors");
        File.WriteAllText(bad, "not a checkpoint");

        var skipped = new List<string>();
        var loaded = store.LoadLatest((path, _) => skipped.Add(path))!.Value;

        Assert.That(loaded.Path, Is.EqualTo(good));
        Assert.That(skipped, Is.EqualTo(new[] { bad }));
    }

    // Before: the damaged step-8 file stayed the newest, so with keepLast 1 every save after the
    // resume from step 4 deleted the checkpoint it had just written, leaving only the damaged one.
    [Test]
    public void SavesAfterResumingPastADamagedCheckpointKeepTheirOwn()
    {
        using var dir = new TempDir();
        var model = new Dense(3, 2, new Rng(1));
        var opt = new Sgd(model.NamedParameters(), 0.1f);
        var store = new CheckpointStore(dir.Path, keepLast: 1);
        store.Save(TrainingCheckpoint.Capture(model, opt, new Dictionary<string, Rng>(), 4, 0, 4, 0, 0));
        File.WriteAllText(Path.Combine(dir.Path, "checkpoint-0000000008.safetensors"), "not a checkpoint");

        Assert.That(store.LoadLatest()!.Value.Checkpoint.Step, Is.EqualTo(4));
        string next = store.Save(TrainingCheckpoint.Capture(model, opt, new Dictionary<string, Rng>(), 5, 0, 5, 0, 0));

        Assert.That(File.Exists(next), Is.True, "the checkpoint just written survives its own pruning");
        Assert.That(store.List().Select(c => c.Step), Is.EqualTo(new[] { 5L, 8L }), "step 4 pruned, step 8 left alone");
        Assert.That(store.LoadLatest()!.Value.Checkpoint.Step, Is.EqualTo(5));

        // Reaching step 8 replaces the damaged file, and pruning counts it again.
        store.Save(TrainingCheckpoint.Capture(model, opt, new Dictionary<string, Rng>(), 8, 0, 8, 0, 0));
        Assert.That(store.List().Select(c => c.Step), Is.EqualTo(new[] { 8L }));
        Assert.That(store.LoadLatest()!.Value.Checkpoint.Step, Is.EqualTo(8));
    }

    [Test]
    public void EveryCheckpointUnreadableIsOneErrorListingEachReason()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "checkpoint-0000000001.safetensors"), "x");
        File.WriteAllBytes(Path.Combine(dir.Path, "checkpoint-0000000002.safetensors"), Array.Empty<byte>());
        var e = Assert.Throws<InvalidDataException>(() => new CheckpointStore(dir.Path).LoadLatest());
        Assert.That(e!.Message, Does.StartWith("no readable checkpoint in"));
        Assert.That(e.Message, Does.Contain("checkpoint-0000000001").And.Contain("checkpoint-0000000002"));
    }
}
