using Pipelines.Speech.Model;
using Pipelines.Speech.Training;
using Pipelines.Speech.Tests.Support;
using Rnn.Core;
using Rnn.Core.Training;

namespace Pipelines.Speech.Tests.Training;

public sealed class SpeechTrainerTests
{
    [Test]
    public void TinyModelLearnsToTranscribeToneSequencesWithCtc()
    {
        var config = ToneDigits.TinyConfig();
        var train = ToneDigits.Examples(config, 64, seed: 11);
        var test = ToneDigits.Examples(config, 24, seed: 12);
        var model = new AcousticModel(config, new Rng(5));
        var trainer = new SpeechTrainer(model, new SpeechTrainerOptions
        {
            Epochs = 25, BatchSize = 8, LearningRate = 1e-2f, WarmupSteps = 10, FinalLearningRate = 1e-3f,
            Augment = null, Seed = 3,
        });
        double before = trainer.Evaluate(test);
        var epochs = new List<double>();
        var result = trainer.Fit(train, test, new SyncProgress(p =>
        {
            if (p.Event == TrainingEvent.EpochEnd) epochs.Add(p.Validation![SpeechTrainer.ValidationMetric]);
        }));
        double after = trainer.Evaluate(test);

        string curve = string.Join(" ", epochs.Select(e => e.ToString("F3")));
        TestContext.Out.WriteLine($"TER before {before:F3}, per epoch {curve}");
        Assert.That(before, Is.GreaterThan(0.6), "an untrained model does not already transcribe");
        // Unseen sequences: below 10% token errors means the labels and their boundaries were learnt.
        Assert.That(after, Is.LessThan(0.1));
        Assert.That(epochs, Has.Count.EqualTo(25));
        Assert.That(result.Epochs[^1].MeanLoss, Is.LessThan(result.Epochs[0].MeanLoss / 3));
    }

    [Test]
    public void ResumedRunEndsWithTheSameWeightsAsAnUninterruptedOne()
    {
        var config = ToneDigits.TinyConfig(FrontEndKind.Conv);
        var train = ToneDigits.Examples(config, 12, seed: 21);
        var options = new SpeechTrainerOptions { Epochs = 2, BatchSize = 6, WarmupSteps = 2, Seed = 4 };
        var straight = new AcousticModel(config, new Rng(9));
        new SpeechTrainer(straight, options).Fit(train);

        using var temp = new TempFiles();
        var resumed = new AcousticModel(config, new Rng(9));
        var withCheckpoints = options with { CheckpointDirectory = temp.Folder };
        using var stop = new CancellationTokenSource();
        // Interrupt the run right after the first epoch's checkpoint, as a killed process would be.
        var progress = new SyncProgress(p => { if (p.Event == TrainingEvent.Checkpoint) stop.Cancel(); });
        Assert.Throws<OperationCanceledException>(
            () => new SpeechTrainer(resumed, withCheckpoints).Fit(train, null, progress, stop.Token));
        // A different initialisation: every weight must come from the checkpoint.
        var again = new AcousticModel(config, new Rng(123));
        var result = new SpeechTrainer(again, withCheckpoints with { Resume = true }).Fit(train);

        Assert.That(result.ResumedFrom, Is.Not.Null);
        foreach (var ((name, a), (_, b)) in straight.NamedParameters().Zip(again.NamedParameters()))
            Assert.That(b.Value.ToArray(), Is.EqualTo(a.Value.ToArray()), name);
    }

    [Test]
    public void RejectsBlankOrOutOfRangeTargets()
    {
        var config = ToneDigits.TinyConfig();
        var example = ToneDigits.Examples(config, 1, seed: 1)[0];
        var trainer = new SpeechTrainer(new AcousticModel(config, new Rng(1)));
        var withBlank = example with { Tokens = new[] { 1, 0 } };
        var ex = Assert.Throws<ArgumentException>(() => trainer.Fit(new[] { withBlank }));
        Assert.That(ex!.Message, Does.Contain("token 0"));
        ex = Assert.Throws<ArgumentException>(() => trainer.Fit(new[] { example with { Tokens = new[] { 7 } } }));
        Assert.That(ex!.Message, Does.Contain("token 7"));
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
