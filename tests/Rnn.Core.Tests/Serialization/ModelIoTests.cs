using System.Text.Json.Nodes;
using Rnn.Core.Nn;
using Rnn.Core.Serialization;

namespace Rnn.Core.Tests.Serialization;

public sealed class ModelIoTests
{
    private string folder = "";

    [SetUp]
    public void SetUp() => folder = Path.Combine(Path.GetTempPath(), "rnn-modelio-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void WeightsRoundTripByDottedNames()
    {
        var a = new TwoLayer(4, 3, 2, seed: 1);
        var b = new TwoLayer(4, 3, 2, seed: 2);
        string path = Path.Combine(folder, "weights.safetensors");

        ModelIo.SaveWeights(a, path);
        var file = SafeTensorsFile.Read(path);
        Assert.That(file.Tensors.Select(t => t.Name),
            Is.EqualTo(new[] { "embed.weight", "head.weight", "head.bias", "inner.proj.weight", "inner.proj.bias" }));

        ModelIo.LoadWeights(b, path);
        foreach (var ((name, pa), (_, pb)) in a.NamedParameters().Zip(b.NamedParameters()))
        {
            Assert.That(pb.Value.ToArray(), Is.EqualTo(pa.Value.ToArray()), name);
        }
    }

    // Saved weights record a checksum of their data; a byte changed afterwards (a failing disk, a bad
    // copy) is refused on load naming the file, where the header's checks pass a same-size file.
    [TestCase(SafeTensorDType.F32)]
    [TestCase(SafeTensorDType.F16)]
    public void WeightsWithAChangedByteAreRefusedAsCorrupt(SafeTensorDType dtype)
    {
        var a = new TwoLayer(4, 3, 2, seed: 5);
        string path = Path.Combine(folder, "weights.safetensors");
        ModelIo.SaveWeights(a, path, dtype);
        Assert.That(SafeTensorsFile.Read(path).DataVerified, Is.True);

        byte[] bytes = File.ReadAllBytes(path);
        bytes[^5] ^= 0x10;   // inside the last tensor's data
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<InvalidDataException>(() => ModelIo.LoadWeights(new TwoLayer(4, 3, 2, seed: 6), path));
        Assert.That(e!.Message, Does.StartWith($"{path}: corrupt (checksum mismatch)"));
    }

    // Files without the field (weights written before it, other tools' files) still load, unverified.
    [Test]
    public void WeightsWithoutAChecksumLoadUnverified()
    {
        var a = new TwoLayer(4, 3, 2, seed: 7);
        string path = Path.Combine(folder, "plain.safetensors");
        var writer = new SafeTensorsWriter();
        foreach (var (name, p) in a.NamedParameters())
        {
            writer.Add(name, p.Value);
        }

        writer.Save(path);
        var file = SafeTensorsFile.Read(path);
        Assert.That(file.DataVerified, Is.False);
        Assert.DoesNotThrow(() => ModelIo.LoadWeights(new TwoLayer(4, 3, 2, seed: 8), file));
    }

    [Test]
    public void HalfPrecisionWeightsLoadWithinHalfPrecision()
    {
        var a = new TwoLayer(4, 3, 2, seed: 3);
        var b = new TwoLayer(4, 3, 2, seed: 4);
        string path = Path.Combine(folder, "w16.safetensors");
        ModelIo.SaveWeights(a, path, SafeTensorDType.F16);

        Assert.That(SafeTensorsFile.Read(path).Tensors.All(t => t.DType == SafeTensorDType.F16), Is.True);
        ModelIo.LoadWeights(b, path);
        float[] expected = a.head.Weight.Value.ToArray();
        float[] actual = b.head.Weight.Value.ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            // Half keeps 11 significant bits: relative rounding error <= 2^-11 ~ 4.9e-4.
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(5e-4f * MathF.Abs(expected[i]) + 1e-7f));
        }
    }

    [Test]
    public void MismatchReportsEveryProblemAtOnceAndLoadsNothing()
    {
        var writer = new SafeTensorsWriter()
            .Add("embed.weight", new[] { 4, 3 }, new float[12])
            .Add("head.weight", new[] { 3, 2 }, new float[6])        // transposed: model has [2, 3]
            .Add("inner.proj.weight", new[] { 3, 3 }, new float[9])
            .Add("inner.proj.bias", new[] { 3 }, new float[3])
            .Add("old.extra", new[] { 1 }, new float[1]);
        var file = SafeTensorsFile.Parse(writer.ToArray(), "weights.safetensors");
        var model = new TwoLayer(4, 3, 2, seed: 5);
        float[] before = model.embed.Weight.Value.ToArray();

        var error = Assert.Throws<InvalidDataException>(() => ModelIo.LoadWeights(model, file));

        Assert.That(error!.Message, Is.EqualTo(
            "weights.safetensors: does not match the model (5 weight tensors): " +
            "1 missing: head.bias; " +
            "1 unexpected: old.extra; 1 mismatched: head.weight is [3, 2] in the file, [2, 3] in the model"));
        Assert.That(model.embed.Weight.Value.ToArray(), Is.EqualTo(before), "nothing loaded on failure");
    }

    [Test]
    public void UnexpectedTensorsCanBeAllowed()
    {
        var model = new TwoLayer(4, 3, 2, seed: 6);
        var writer = new SafeTensorsWriter();
        foreach (var (name, p) in model.NamedParameters())
        {
            writer.Add(name, p.Value);
        }

        writer.Add("optimizer.step", new[] { 1 }, new[] { 10f });
        var file = SafeTensorsFile.Parse(writer.ToArray(), "ckpt.safetensors");

        Assert.Throws<InvalidDataException>(() => ModelIo.LoadWeights(model, file));
        Assert.DoesNotThrow(() => ModelIo.LoadWeights(model, file, allowUnexpected: true));
    }

    [Test]
    public void ModelDirectoryRoundTrip()
    {
        var model = new TwoLayer(4, 3, 2, seed: 7);
        var config = new ModelConfig("two-layer");
        config.Architecture["vocab"] = 4;
        config.Architecture["hidden"] = 3;
        config.Preprocessing["sample_rate"] = 16000;
        config.Vocabulary = new JsonArray("<blank>", "a", "b", "c");
        ModelIo.SaveModel(folder, config, model, SafeTensorDType.F16);

        Assert.That(ModelIo.IsModelDirectory(folder), Is.True);
        var read = ModelIo.ReadConfig(folder);
        Assert.That(read.ArchitectureType, Is.EqualTo("two-layer"));
        Assert.That(read.Get<int>("architecture.hidden"), Is.EqualTo(3));
        Assert.That(read.Get<int>("preprocessing.sample_rate"), Is.EqualTo(16000));
        Assert.That(read.Get<string[]>("vocabulary"), Is.EqualTo(new[] { "<blank>", "a", "b", "c" }));
        Assert.That(read.Get("architecture.dropout", 0.25), Is.EqualTo(0.25));

        var again = new TwoLayer(read.Get<int>("architecture.vocab"), read.Get<int>("architecture.hidden"), 2, seed: 8);
        ModelIo.LoadWeights(again, ModelIo.WeightsPath(folder));
        var metadata = SafeTensorsFile.Read(ModelIo.WeightsPath(folder)).Metadata;
        Assert.That(metadata["architecture"], Is.EqualTo("two-layer"));
    }

    // An empty or cut-short weights file was "0 bytes cannot hold the N weights config.json describes;
    // the config does not belong to these weights", sending the user to the config; the file's own
    // header check says what is wrong. A whole file too small for its config still gets that line.
    [Test]
    public void WeightsFitSaysAnEmptyOrCutFileIsThatBeforeBlamingTheConfig()
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "weights.safetensors");
        ModelIo.SaveWeights(new TwoLayer(4, 3, 2, seed: 1), path);
        byte[] whole = File.ReadAllBytes(path);
        long count = SafeTensorsFile.ReadHeader(path).ElementCount;

        Assert.DoesNotThrow(() => ModelIo.CheckWeightsFit(path, count));
        var tooSmall = Assert.Throws<InvalidDataException>(() => ModelIo.CheckWeightsFit(path, count * 100));
        Assert.That(tooSmall!.Message, Does.Contain("the config does not belong to these weights"));

        File.WriteAllBytes(path, []);
        var empty = Assert.Throws<InvalidDataException>(() => ModelIo.CheckWeightsFit(path, count));
        Assert.That(empty!.Message, Does.Contain("file is 0 bytes").And.Not.Contain("config"));

        File.WriteAllBytes(path, whole[..(whole.Length - 10)]);
        var cut = Assert.Throws<InvalidDataException>(() => ModelIo.CheckWeightsFit(path, count));
        Assert.That(cut!.Message, Does.StartWith(path + ": ").And.Not.Contain("does not belong"));
    }

    [Test]
    public void MissingDirectoryOrConfigIsAClearError()
    {
        var error = Assert.Throws<FileNotFoundException>(() => ModelIo.ReadConfig(folder));
        Assert.That(error!.Message, Does.Contain("does not exist"));
        Directory.CreateDirectory(folder);
        error = Assert.Throws<FileNotFoundException>(() => ModelIo.ReadConfig(folder));
        Assert.That(error!.Message, Does.Contain("has no config.json"));
    }

    [Test]
    public void ConfigRoundTripKeepsUnknownFields()
    {
        const string json = """
            {"format": "multimodal-model", "version": 1, "architecture": {"type": "x", "layers": [1, 2]},
             "vocabulary": {"a": 0}, "trained_on": "toy"}
            """;
        var config = ModelConfig.Parse(json);
        var again = ModelConfig.Parse(config.ToJson());
        Assert.That(again.Get<int[]>("architecture.layers"), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(again.Get<Dictionary<string, int>>("vocabulary")["a"], Is.EqualTo(0));
        Assert.That(again.Get<string>("trained_on"), Is.EqualTo("toy"));
        Assert.That(again.Preprocessing, Is.Empty);
    }

    [TestCase("{", "config.json: not valid JSON")]
    [TestCase("[1]", "config.json: top level is an array, expected an object")]
    [TestCase("{\"version\": 1, \"architecture\": {\"type\": \"x\"}}",
        "\"format\" is missing, expected a non-empty string")]
    [TestCase("{\"format\": \"keras\", \"version\": 1, \"architecture\": {\"type\": \"x\"}}",
        "\"format\" is 'keras', expected 'multimodal-model'")]
    [TestCase("{\"format\": \"multimodal-model\", \"architecture\": {\"type\": \"x\"}}", "\"version\" is missing")]
    [TestCase("{ not json", "not valid JSON at line 1, byte 3")]
    [TestCase("null", "top level is null, expected an object")]
    [TestCase("{\"format\": \"multimodal-model\", \"version\": \"1\", \"architecture\": {\"type\": \"x\"}}",
        "\"version\" is \"1\", expected an integer >= 1")]
    [TestCase("{\"format\": \"multimodal-model\", \"version\": 99, \"architecture\": {\"type\": \"x\"}}",
        "config version 99 is newer than this library reads (1)")]
    [TestCase("{\"format\": \"multimodal-model\", \"version\": 1}", "\"architecture\" is missing, expected an object")]
    [TestCase("{\"format\": \"multimodal-model\", \"version\": 1, \"architecture\": {}}",
        "\"architecture.type\" is missing, expected a non-empty string")]
    [TestCase("{\"format\": \"multimodal-model\", \"version\": 1, \"architecture\": {\"type\": \"x\"}, " +
        "\"preprocessing\": 3}", "\"preprocessing\" is 3, expected an object")]
    public void InvalidConfigIsRefusedWithAClearMessage(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => ModelConfig.Parse(json, "config.json"));
        Assert.That(error!.Message, Does.StartWith("config.json: ").And.Contain(expected));
    }

    [Test]
    public void GetNamesPathAndValueOnBadField()
    {
        var config = ModelConfig.Parse(
            "{\"format\": \"multimodal-model\", \"version\": 1, " +
            "\"architecture\": {\"type\": \"x\", \"hidden\": \"big\"}}",
            "m/config.json");
        var error = Assert.Throws<InvalidDataException>(() => config.Get<int>("architecture.hidden"));
        Assert.That(error!.Message,
            Is.EqualTo("m/config.json: \"architecture.hidden\" is \"big\", expected a whole number"));
        error = Assert.Throws<InvalidDataException>(() => config.Get<int>("architecture.layers"));
        Assert.That(error!.Message,
            Is.EqualTo("m/config.json: missing \"architecture.layers\" (expected a whole number)"));

        // Lists and optional values are named in words too, not as "Double[]" or "Nullable`1".
        error = Assert.Throws<InvalidDataException>(() => config.Get<double[]>("architecture.hidden"));
        Assert.That(error!.Message,
            Is.EqualTo("m/config.json: \"architecture.hidden\" is \"big\", expected a list of numbers"));
        error = Assert.Throws<InvalidDataException>(() => config.Get<int?>("architecture.hidden", null));
        Assert.That(error!.Message,
            Is.EqualTo("m/config.json: \"architecture.hidden\" is \"big\", expected a whole number"));
        error = Assert.Throws<InvalidDataException>(() => config.Get<string[]>("architecture.layers"));
        Assert.That(error!.Message,
            Is.EqualTo("m/config.json: missing \"architecture.layers\" (expected a list of strings)"));
    }

    // Nested modules so that dotted paths have more than one level.
    private sealed class TwoLayer : Module
    {
        public readonly Embedding embed;
        public readonly Dense head;

        public TwoLayer(int vocab, int hidden, int classes, ulong seed)
        {
            var rng = new Rng(seed);
            embed = AddModule("embed", new Embedding(vocab, hidden, rng));
            head = AddModule("head", new Dense(hidden, classes, rng));
            AddModule("inner", new Inner(hidden, rng));
        }
    }

    private sealed class Inner : Module
    {
        public Inner(int hidden, Rng rng) => AddModule("proj", new Dense(hidden, hidden, rng));
    }
}
