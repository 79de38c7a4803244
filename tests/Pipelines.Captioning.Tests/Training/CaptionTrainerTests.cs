using Pipelines.Captioning.Decoding;
using Pipelines.Captioning.Model;
using Pipelines.Captioning.Tests.Support;
using Pipelines.Captioning.Training;
using Rnn.Core.Training;

namespace Pipelines.Captioning.Tests.Training;

public sealed class CaptionTrainerTests
{
    private static CaptionTrainerOptions Options(int epochs, string? dir = null, bool resume = false) => new()
    {
        Epochs = epochs,
        BatchSize = 4,
        LearningRate = 1e-2f,
        WarmupSteps = 0,
        Patience = 0,
        Validation = new BeamSearchOptions { BeamWidth = 2 },
        CheckpointDirectory = dir,
        Resume = resume,
        ReportEverySteps = 1,
    };

    [Test]
    public void LearnsFourCaptionsByHeart()
    {
        var model = TinyTask.Model();
        var store = TinyTask.Store();
        var losses = new List<double>();
        var progress = new Sync(p =>
        {
            if (p.Event == TrainingEvent.EpochEnd)
            {
                losses.Add(p.EpochMeanLoss);
            }
        });
        var result = new CaptionTrainer(Options(60)).Fit(model, store, TinyTask.Images, TinyTask.Images, progress);

        Assert.That(losses[^1], Is.LessThan(losses[0] / 10), "loss falls");
        Assert.That(result.Best!.Bleu4, Is.EqualTo(1.0).Within(1e-9), "every caption reproduced");
        var scores = CaptionTrainer.Score(model, store, TinyTask.Images, new BeamSearchOptions { BeamWidth = 2 });
        Assert.That(scores.Bleu4, Is.EqualTo(1.0).Within(1e-9), "the model holds the best weights afterwards");
    }

    [Test]
    public void EarlyStoppingKeepsTheBestEpochAndResumeContinues()
    {
        using var dir = new TempDir();
        var store = TinyTask.Store();
        var first = new CaptionTrainer(Options(3, dir.Path))
            .Fit(TinyTask.Model(), store, TinyTask.Images, TinyTask.Images);
        Assert.That(first.BestEpoch, Is.InRange(0, 2));
        Assert.That(File.Exists(Path.Combine(dir.Path, "best.safetensors")), Is.True);

        var resumed = new CaptionTrainer(Options(5, dir.Path, resume: true))
            .Fit(TinyTask.Model(), store, TinyTask.Images, TinyTask.Images);
        Assert.That(resumed.Training!.ResumedFrom, Is.Not.Null);
        Assert.That(resumed.Training.Epochs.Select(s => s.Epoch), Is.EqualTo(new[] { 3, 4 }));
        Assert.That(resumed.Best!.Bleu4, Is.GreaterThanOrEqualTo(first.Best!.Bleu4));
    }

    [Test]
    public void SelectionDecidesWhichEpochIsBetter()
    {
        // A: higher BLEU-1..3, lower BLEU-4. BLEU-4 selection prefers B; the BLEU mean prefers A.
        var a = new Pipelines.Captioning.Metrics.CaptionScores(0.55, 0.35, 0.22, 0.11, 0.30, 300);
        var b = new Pipelines.Captioning.Metrics.CaptionScores(0.48, 0.31, 0.19, 0.12, 0.28, 300);
        Assert.That(CaptionTrainer.IsBetter(b, a, CaptionSelection.Bleu4), Is.True);
        Assert.That(CaptionTrainer.IsBetter(a, b, CaptionSelection.Bleu4), Is.False);
        Assert.That(CaptionTrainer.IsBetter(a, b, CaptionSelection.BleuMean), Is.True);
        Assert.That(CaptionTrainer.IsBetter(b, a, CaptionSelection.BleuMean), Is.False);

        // Ties: equal BLEU-4 falls back to CIDEr-D; equal means fall back to BLEU-4; equal is not better.
        var c = a with { CiderD = 0.40 };
        Assert.That(CaptionTrainer.IsBetter(c, a, CaptionSelection.Bleu4), Is.True);
        var d = new Pipelines.Captioning.Metrics.CaptionScores(0.56, 0.35, 0.22, 0.10, 0.30, 300);
        Assert.That(CaptionTrainer.IsBetter(a, d, CaptionSelection.BleuMean), Is.True, "same mean, higher BLEU-4");
        Assert.That(CaptionTrainer.IsBetter(a, a, CaptionSelection.BleuMean), Is.False);
    }

    [Test]
    public void ModelDirectoryRoundTripsInFloat16()
    {
        using var dir = new TempDir();
        var model = TinyTask.Model();
        new CaptionTrainer(Options(30)).Fit(model, TinyTask.Store(), TinyTask.Images, []);
        CaptionModelDirectory.Save(dir.Path, model);
        var loaded = CaptionModelDirectory.Load(dir.Path);
        var store = TinyTask.Store();
        var options = new BeamSearchOptions { BeamWidth = 1 };
        Assert.That(CaptionTrainer.Score(loaded, store, TinyTask.Images, options).Bleu4,
            Is.EqualTo(CaptionTrainer.Score(model, store, TinyTask.Images, options).Bleu4).Within(0.05));
        Assert.That(loaded.Config.Vocabulary.Tokens, Is.EqualTo(model.Config.Vocabulary.Tokens));
    }

    private sealed class Sync(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
