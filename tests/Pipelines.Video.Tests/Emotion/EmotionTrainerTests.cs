using Pipelines.Video.Emotion;

namespace Pipelines.Video.Tests.Emotion;

[TestFixture]
public sealed class EmotionTrainerTests
{
    private static EmotionTrainingOptions Options(string data, string output, int epochs) => new()
    {
        DataDirectory = data,
        OutputDirectory = output,
        Epochs = epochs,
        BatchSize = 8,
        LearningRate = 5e-3f,
        ValidationEveryNth = 4,
        CheckpointEverySteps = 0,
        Network = TinyEmotion.Options,
        Seed = 3,
    };

    [Test]
    public void Learns_a_tiny_task_and_writes_a_model_that_scores_new_faces()
    {
        using var temp = new TempDir();
        TinyEmotion.WriteFolder(temp.Sub("train"), classes: 3, perClass: 32, seed: 1);
        TinyEmotion.WriteFolder(temp.Sub("test"), classes: 3, perClass: 10, seed: 2);
        string output = Path.Combine(temp.Path, "model");
        var lines = new List<string>();

        var result = new EmotionTrainer(Options(Path.Combine(temp.Path, "train"), output, 8), lines.Add).Run();

        var summaries = result.Training.Epochs;
        Assert.That(summaries[^1].MeanLoss, Is.LessThan(summaries[0].MeanLoss));
        Assert.That(result.BestValidationAccuracy, Is.GreaterThanOrEqualTo(0.9), string.Join("\n", lines));
        var model = EmotionModel.Load(output);
        var test = FerDataset.Load(Path.Combine(temp.Path, "test"), 16);
        var metrics = EmotionEvaluator.Evaluate(model, test.Samples);
        var clips = EmotionEvaluator.Evaluate(model, test.Samples, frames: 3);
        TestContext.Out.WriteLine($"validation {result.BestValidationAccuracy:P1}, test {metrics.Accuracy:P1}, " +
            $"3-frame clips {clips.Accuracy:P1}");
        Assert.That(metrics.Accuracy, Is.GreaterThanOrEqualTo(0.85));
        // Clips of the same faces must be right as well as the stills.
        Assert.That(clips.Accuracy, Is.GreaterThanOrEqualTo(0.8));
    }

    [Test]
    public void A_rerun_with_more_epochs_resumes_from_the_checkpoint()
    {
        using var temp = new TempDir();
        TinyEmotion.WriteFolder(temp.Sub("train"), classes: 2, perClass: 12, seed: 4);
        string data = Path.Combine(temp.Path, "train"), output = Path.Combine(temp.Path, "model");

        var first = new EmotionTrainer(Options(data, output, 1)).Run();
        var second = new EmotionTrainer(Options(data, output, 2)).Run();

        Assert.That(first.Training.ResumedFrom, Is.Null);
        Assert.That(second.Training.ResumedFrom, Does.Contain("checkpoints"));
        Assert.That(second.Training.Steps, Is.EqualTo(2 * first.Training.Steps));
        Assert.That(second.Training.Epochs, Has.Count.EqualTo(1));
    }
}
