using Pipelines.Video.Prediction;
using Rnn.Core;
using Rnn.Core.Serialization;

namespace Pipelines.Video.Tests.Prediction;

[TestFixture]
public sealed class PredictorConfigTests
{
    [Test]
    public void RoundTripsThroughConfigJson()
    {
        var config = new PredictorConfig
        {
            Hidden = new[] { 8, 4 }, Patch = 2, ContextFrames = 5, FutureFrames = 3,
            ForecasterInput = ForecasterInput.None,
        };

        var back = PredictorConfig.FromModelConfig(ModelConfig.Parse(config.ToModelConfig().ToJson()));

        Assert.That(back.Hidden, Is.EqualTo(config.Hidden));
        Assert.That(config.ToModelConfig().ToJson(), Does.Contain("\"task\": \"video next-frame prediction\""));
        Assert.That(back with { Hidden = config.Hidden }, Is.EqualTo(config));
    }

    [Test]
    public void BadValues_NameTheFieldAndTheFile()
    {
        var json = new PredictorConfig().ToModelConfig().ToJson().Replace("\"patch\": 4", "\"patch\": 5");

        var parsed = ModelConfig.Parse(json, "m/config.json");
        var e = Assert.Throws<InvalidDataException>(() => PredictorConfig.FromModelConfig(parsed));

        Assert.That(e!.Message, Does.Contain("m/config.json").And.Contain("Patch").And.Contain("got 5"));
    }

    [Test]
    public void Directory_SavesAndLoadsTheSameModel()
    {
        string dir = Path.Combine(Path.GetTempPath(), "video-model-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var config = new PredictorConfig
            {
                FrameSize = 8, Patch = 2, Hidden = new[] { 4 }, ContextFrames = 2, FutureFrames = 2,
            };
            var model = new ConvLstmPredictor(config, new Rng(3));
            PredictorDirectory.Save(dir, model);
            var loaded = PredictorDirectory.Load(dir);
            var x = new Rng(4).UniformUnit(Backends.Default, 1, 2, 1, 8, 8);

            Assert.That(loaded.Predict(x).ToArray(), Is.EqualTo(model.Predict(x).ToArray()));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
