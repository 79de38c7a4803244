using System.Text.Json.Nodes;
using Pipelines.Captioning.Encoders;
using Pipelines.Captioning.Model;
using Pipelines.Captioning.Text;
using Rnn.Core.Serialization;
using Rnn.Core;

namespace Pipelines.Captioning.Tests.Model;

public sealed class CaptionModelConfigTests
{
    private static CaptionModelConfig SmallCnn() => new()
    {
        Encoder = PixelEncoder.KindName,
        ImageSize = 64,
        CnnChannels = [8, 16],
        Embed = 16,
        Hidden = 32,
        Vocabulary = Vocabulary.Build([["a", "dog"], ["a", "cat"]], 1),
    };

    // A size no caption model has ("hidden": 100000000) is refused where config.json is read, named
    // by its key with the cap, instead of failing as a tensor over 2^31-1 elements (or out of
    // memory) while the model is built; the largest accepted values read back.
    [TestCase("architecture", "hidden", "100000000", "architecture.hidden must be 1..8192; got 100000000")]
    [TestCase("architecture", "embed", "8193", "architecture.embed must be 1..8192; got 8193")]
    [TestCase("preprocessing", "image_size", "100000", "preprocessing.image_size must be 1..4096; got 100000")]
    [TestCase("architecture", "cnn_channels", "[8, 1000000]",
        "architecture.cnn_channels must be 1..12 layers of 1..4096 channels; got [8, 1000000]")]
    [TestCase("architecture", "cnn_channels", "[1,1,1,1,1,1,1,1,1,1,1,1,1]",
        "architecture.cnn_channels must be 1..12 layers of 1..4096 channels; " +
        "got [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]")]
    [TestCase("architecture", "hidden", "8192", null)]
    [TestCase("preprocessing", "image_size", "4096", null)]
    public void Absurd_sizes_are_refused_naming_the_key_and_the_cap(
        string section, string key, string value, string? expected)
    {
        var json = JsonNode.Parse(SmallCnn().ToModelConfig().ToJson())!;
        json[section]![key] = JsonNode.Parse(value);
        var config = ModelConfig.Parse(json.ToJsonString(), "m/config.json");

        if (expected is null)
        {
            Assert.That(CaptionModelConfig.FromModelConfig(config), Is.Not.Null);
            return;
        }

        var e = Assert.Throws<InvalidDataException>(() => CaptionModelConfig.FromModelConfig(config));
        Assert.That(e!.Message, Is.EqualTo("m/config.json: " + expected));
    }

    // WeightCount is checked against the weights file before a model is built, so it must never
    // exceed what the built model holds.
    [TestCase(1, 16, 32)]
    [TestCase(3, 64, 24)]
    public void WeightCountIsALowerBoundOfTheBuiltModel(int layers, int embed, int hidden)
    {
        var config = SmallCnn() with { Layers = layers, Embed = embed, Hidden = hidden };
        long built = new CaptionModel(config, new Rng(1)).ParameterCount();
        Assert.That(config.WeightCount(), Is.InRange(built * 3 / 4, built));
    }

    // Found by a check of malformed model files: sizes within every cap (hidden and embed 8192,
    // 4 layers) built 2.2 billion weights for 14 minutes and 10 GB before the 10 MB weights file
    // was found not to match. The file's size refuses them first.
    [Test]
    public void A_config_too_large_for_its_weights_file_is_refused_before_anything_is_built()
    {
        string dir = Path.Combine(Path.GetTempPath(), "capfit-" + Guid.NewGuid().ToString("N"));
        try
        {
            var small = SmallCnn();
            CaptionModelDirectory.Save(dir, new CaptionModel(small, new Rng(1)));
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!;
            json["architecture"]!["hidden"] = 8192;
            json["architecture"]!["embed"] = 8192;
            json["architecture"]!["layers"] = 4;
            File.WriteAllText(Path.Combine(dir, "config.json"), json.ToJsonString());
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var e = Assert.Throws<InvalidDataException>(() => CaptionModelDirectory.Load(dir));
            Assert.That(e!.Message, Does.Contain("cannot hold the").And.Contain("the config does not belong"));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), "the model was built first");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
