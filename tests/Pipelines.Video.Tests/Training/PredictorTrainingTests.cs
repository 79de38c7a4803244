using Pipelines.Video.Prediction;
using Pipelines.Video.Tests.Support;
using Pipelines.Video.Training;
using Rnn.Core.Training;

namespace Pipelines.Video.Tests.Training;

[TestFixture]
public sealed class PredictorTrainingTests
{
    [Test]
    public void Run_WritesAModel_AndResumesWhereItStopped()
    {
        string dir = TestClips.TempFolder();
        try
        {
            var options = new PredictorTrainingOptions
            {
                MnistImagesPath = TestData.MnistImages,
                OutputDirectory = dir,
                Model = new PredictorConfig { Patch = 8, Hidden = new[] { 4 } },
                Epochs = 1,
                BatchesPerEpoch = 2,
                BatchSize = 1,
                ValidationSequences = 2,
                CheckpointEverySteps = 1,
            };
            var events = new List<TrainingProgress>();
            var first = PredictorTraining.Run(options, new Collect(events));
            Assert.That(first.Steps, Is.EqualTo(2));
            Assert.That(first.Epochs[0].Validation!["baseline_mse"], Is.GreaterThan(0));
            var model = PredictorDirectory.Load(dir);
            Assert.That(model.Config.Patch, Is.EqualTo(8));

            var second = PredictorTraining.Run(options with { Epochs = 2 }, new Collect(events));

            Assert.That(second.ResumedFrom, Is.Not.Null);
            Assert.That(second.Steps, Is.EqualTo(4));
            Assert.That(events.Count(e => e.Event == TrainingEvent.Resumed), Is.EqualTo(1));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void MismatchedProtocol_IsRefused()
    {
        var options = new PredictorTrainingOptions
        {
            MnistImagesPath = "unused", OutputDirectory = "unused", Model = new PredictorConfig { ContextFrames = 5 },
        };

        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.That(e!.Message, Does.Contain("context 5 + future 10").And.Contain("20"));
    }

    private sealed class Collect(List<TrainingProgress> events) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => events.Add(value);
    }
}
