using System.Text.Json.Nodes;
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

        Assert.That(e!.Message, Does.Contain("m/config.json").And.Contain("architecture.patch").And.Contain("got 5"));
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

    // A size no predictor has is refused where config.json is read, named by its key with the cap,
    // rather than failing as a tensor over 2^31-1 elements or out of memory while the model is built.
    [TestCase("preprocessing", "frame_size", "100000", "preprocessing.frame_size must be 1..4096; got 100000")]
    [TestCase("architecture", "patch", "128",
        "architecture.patch must be a divisor of the frame size 64, at most 64; got 128")]
    [TestCase("architecture", "hidden", "[16, 100000000]",
        "architecture.hidden must be 1..16 filter counts of 1..4096; got [16, 100000000]")]
    [TestCase("architecture", "hidden", "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]",
        "architecture.hidden must be 1..16 filter counts of 1..4096; got [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, " +
        "1, 1, 1, 1]")]
    [TestCase("architecture", "kernel", "33", "architecture.kernel must be odd, 1..31; got 33")]
    public void AbsurdSizes_AreRefusedNamingTheKeyAndTheCap(string section, string key, string value, string expected)
    {
        var json = JsonNode.Parse(new PredictorConfig().ToModelConfig().ToJson())!;
        json[section]![key] = JsonNode.Parse(value);
        var parsed = ModelConfig.Parse(json.ToJsonString(), "m/config.json");

        var e = Assert.Throws<InvalidDataException>(() => PredictorConfig.FromModelConfig(parsed));

        Assert.That(e!.Message, Is.EqualTo("m/config.json: " + expected));
    }

    // WeightCount is checked against the weights file before a model is built, so it must never
    // exceed what the built model holds.
    [Test]
    public void WeightCountIsALowerBoundOfTheBuiltModel()
    {
        foreach (var config in new[]
        {
            new PredictorConfig(), new PredictorConfig { Hidden = new[] { 8, 4, 12 }, Patch = 2, Kernel = 5 },
        })
        {
            long built = new ConvLstmPredictor(config, new Rng(1)).ParameterCount();
            Assert.That(config.WeightCount(), Is.InRange(1, built));
        }
    }
}
