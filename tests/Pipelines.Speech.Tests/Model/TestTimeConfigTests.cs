using System.Text.Json.Nodes;
using Pipelines.Speech.Model;
using Pipelines.Speech.Tests.Support;
using Pipelines.Speech.Tests.Training;
using Rnn.Core;
using Rnn.Core.Serialization;

namespace Pipelines.Speech.Tests.Model;

public sealed class TestTimeConfigTests
{
    [Test]
    public void DirectoryWithATestTimeSectionLoadsAsTheEnsembleItDeclares()
    {
        using var temp = new TempFiles();
        var config = ToneDigits.TinyConfig(FrontEndKind.Conv);
        string dir = Path.Combine(temp.Folder, "tta");
        var first = new AcousticModel(config, new Rng(31));
        var second = new AcousticModel(config, new Rng(32));
        AcousticModelDirectory.Save(dir, first);
        ModelIo.SaveWeights(second, Path.Combine(dir, "weights-2.safetensors"));
        AddSection(dir, """
            {"weights": ["weights.safetensors", "weights-2.safetensors"], "pad_seconds": [0, 0.08],
             "combination": "mean_probability"}
            """);

        using var loaded = (CtcEnsemble)AcousticModelDirectory.LoadCtc(dir);
        Assert.That(loaded.Members, Has.Count.EqualTo(4), "2 weights files x 2 paddings");
        Assert.That(loaded.Combination, Is.EqualTo(CtcCombination.MeanProbability));

        using var a = new NativeCtcModel(first);
        using var b = new NativeCtcModel(second);
        float[] samples = ToneDigits.Utterance(new Rng(33)).Samples;
        var expected = CtcEnsemble.Combine(
            new[] { a.WithPadding(0), a.WithPadding(0.08), b.WithPadding(0), b.WithPadding(0.08) }
                .Select(m => m.Infer(samples)).ToArray(), CtcCombination.MeanProbability);
        Assert.That(loaded.Infer(samples).LogProbs, Is.EqualTo(expected.LogProbs));
    }

    [Test]
    public void EachPaddingIsHeardAtEachSpeed()
    {
        using var temp = new TempFiles();
        string dir = Path.Combine(temp.Folder, "speeds");
        AcousticModelDirectory.Save(dir, new AcousticModel(ToneDigits.TinyConfig(FrontEndKind.Conv), new Rng(36)));
        AddSection(dir, """{"pad_seconds": [0, 0.16], "speeds": [0.9, 1, 1.1]}""");

        using var loaded = (CtcEnsemble)AcousticModelDirectory.LoadCtc(dir);
        Assert.That(loaded.PadOnlyAtStart, Is.False);
        var views = loaded.Members.Cast<NativeCtcModel>().Select(m => (m.PadSeconds, m.Speed)).ToArray();
        Assert.That(views, Is.EqualTo(new[] { (0, 0.9), (0, 1), (0, 1.1), (0.16, 0.9), (0.16, 1), (0.16, 1.1) }));
        Assert.That(loaded.Combination, Is.EqualTo(CtcCombination.Rescore));
    }

    [Test]
    public void WithoutTheSectionADirectoryIsOneModelHeardOnce()
    {
        using var temp = new TempFiles();
        string dir = Path.Combine(temp.Folder, "plain");
        AcousticModelDirectory.Save(dir, new AcousticModel(ToneDigits.TinyConfig(FrontEndKind.Conv), new Rng(34)));
        using var loaded = (IDisposable)AcousticModelDirectory.LoadCtc(dir);
        Assert.That(loaded, Is.InstanceOf<NativeCtcModel>());
    }

    [Test]
    public void RescoreIsTheDefaultAndNamesAreSnakeCase()
    {
        var parsed = Parse("""{"pad_seconds": [0, 0.16]}""");
        Assert.That(parsed!.Combination, Is.EqualTo(CtcCombination.Rescore));
        Assert.That(parsed.Weights, Is.EqualTo(new[] { "weights.safetensors" }));
        Assert.That(parsed.PadSeconds, Is.EqualTo(new[] { 0, 0.16 }));
        Assert.That(parsed.PadOnlyAtStart, Is.False);
        Assert.That(Parse("""{"pad_only_at_start": true}""")!.PadOnlyAtStart, Is.True);
        Assert.That(TestTimeConfig.SnakeCase(CtcCombination.MeanLogProbability), Is.EqualTo("mean_log_probability"));
        Assert.That(Parse(null), Is.Null);
    }

    [TestCase("""{"combination": "average"}""", "average")]
    [TestCase("""{"pads": [0.1]}""", "unknown field \"pads\"")]
    [TestCase("""{"weights": ["../other/weights.safetensors"]}""", "inside the model directory")]
    [TestCase("""{"weights": []}""", "at least one")]
    [TestCase("""{"pad_seconds": [-0.1]}""", "[0, 2]")]
    [TestCase("""{"pad_seconds": "0.16"}""", "test_time")]
    [TestCase("""[0.16]""", "expected an object")]
    [TestCase("""{"speeds": [0.9, 1], "combination": "max"}""", "need combination \"rescore\"")]
    [TestCase("""{"speeds": [3]}""", "[0.5, 2]")]
    [TestCase("""{"speeds": []}""", "at least one")]
    [TestCase("""{"speeds": ["fast"]}""", "\"test_time.speeds\" is an array, expected a list of numbers")]
    [TestCase("""{"speeds": [1, null]}""", "\"test_time.speeds\" is an array, expected a list of numbers")]
    [TestCase("""{"weights": [3]}""", "\"test_time.weights\" is an array, expected a list of strings")]
    [TestCase("""{"pad_only_at_start": 1}""", "\"test_time.pad_only_at_start\" is 1, expected true or false")]
    [TestCase("""{"combination": 3}""", "\"test_time.combination\" is 3, expected a string")]
    public void MalformedSectionsAreRefusedNamingTheField(string section, string expected)
    {
        // A field of the wrong type is named by its key, not by .NET ("cannot be converted to a
        // 'System.Double'", "Object reference not set to an instance of an object").
        var e = Assert.Throws<InvalidDataException>(() => Parse(section));
        Assert.That(e!.Message, Does.Contain(expected).And.Contain("test_time").And.Not.Contain("System."));
    }

    [Test]
    public void MissingWeightsAndPaddingOffTheFrameGridNameTheDirectory()
    {
        using var temp = new TempFiles();
        string dir = Path.Combine(temp.Folder, "broken");
        AcousticModelDirectory.Save(dir, new AcousticModel(ToneDigits.TinyConfig(FrontEndKind.Conv), new Rng(35)));

        AddSection(dir, """{"weights": ["weights.safetensors", "weights-9.safetensors"]}""");
        var missing = Assert.Throws<FileNotFoundException>(() => AcousticModelDirectory.LoadCtc(dir));
        Assert.That(missing!.Message, Does.Contain("weights-9.safetensors").And.Contain(dir));

        AddSection(dir, """{"pad_seconds": [0, 0.05]}""");
        var grid = Assert.Throws<InvalidDataException>(() => AcousticModelDirectory.LoadCtc(dir));
        Assert.That(grid!.Message, Is.EqualTo(Path.Combine(dir, "config.json") + ": \"test_time\": pad_seconds " +
            "must each be a whole number of 40 ms output frames (and of samples at 8000 Hz), so frames stay in " +
            "register; got 0.05 (50 ms)"), "the key and value config.json holds, not WithPadding's (Parameter ...)");
    }

    private static TestTimeConfig? Parse(string? section)
    {
        var config = new AcousticModelConfig().ToModelConfig();
        var json = JsonNode.Parse(config.ToJson())!.AsObject();
        if (section is not null) json[TestTimeConfig.SectionName] = JsonNode.Parse(section);
        return TestTimeConfig.FromModelConfig(ModelConfig.Parse(json.ToJsonString()));
    }

    private static void AddSection(string dir, string section)
    {
        string path = Path.Combine(dir, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json[TestTimeConfig.SectionName] = JsonNode.Parse(section);
        File.WriteAllText(path, json.ToJsonString());
    }
}
