using Pipelines.Video.Emotion;
using Rnn.Core;
using Rnn.Core.Autograd;

namespace Pipelines.Video.Tests.Emotion;

[TestFixture]
public sealed class EmotionNetTests
{
    [Test]
    public void Gives_logits_at_every_step_and_takes_a_single_frame()
    {
        var net = new EmotionNet(new EmotionNetOptions(), new Rng(1));
        net.Eval();
        var faces = new Rng(2).Normal(Backends.Default, 1f, 2, 3, 1, 48, 48);   // [batch, time, 1, 48, 48]

        using var noGrad = Tape.NoGrad();
        var logits = net.Forward(faces);
        var single = net.Forward(Ops.Slice(faces, 1, 0, 1));

        Assert.That(logits.ShapeArray, Is.EqualTo(new[] { 2, 3, 7 }));
        Assert.That(single.ShapeArray, Is.EqualTo(new[] { 2, 1, 7 }));
        // Many-to-one with per-step outputs: step 0 of the clip has seen only frame 0, so it equals the single frame.
        Assert.That(Ops.Slice(logits, 1, 0, 1).ToArray(), Is.EqualTo(single.ToArray()).Within(1e-4));
        Assert.That(Ops.Slice(logits, 1, 2, 1).ToArray(), Is.Not.EqualTo(single.ToArray()));
    }

    [Test]
    public void Wrong_input_shapes_are_refused_with_the_shape()
    {
        var net = new EmotionNet(TinyEmotion.Options, new Rng(1));

        Assert.That(() => net.Forward(Tensor.Zeros(1, 2, 1, 48, 48)),
            Throws.ArgumentException.With.Message.Contains("[1, 2, 1, 48, 48]"));
    }

    [Test]
    public void Options_round_trip_through_the_config_and_bad_sizes_are_named()
    {
        var options = new EmotionNetOptions
        {
            StageChannels = new[] { 8, 16 }, StageConvs = new[] { 2, 1 }, ImageSize = 32,
        };
        var arch = new System.Text.Json.Nodes.JsonObject();
        options.WriteTo(arch);

        var back = EmotionNetOptions.ReadFrom(arch, "config.json");

        Assert.That(back.StageChannels, Is.EqualTo(options.StageChannels));
        Assert.That(back.StageConvs, Is.EqualTo(options.StageConvs));
        Assert.That(back.ImageSize, Is.EqualTo(32));
        Assert.That(() => new EmotionNetOptions { ImageSize = 50 }.Validate(),
            Throws.ArgumentException.With.Message.Contains("50"));
        arch.Remove("lstm_filters");
        Assert.That(() => EmotionNetOptions.ReadFrom(arch, "x/config.json"),
            Throws.TypeOf<InvalidDataException>()
                .With.Message.Contains("x/config.json").And.Message.Contains("lstm_filters"));
    }

    // A size no emotion network has is refused where config.json is read, named by its key with the
    // cap, rather than failing as a tensor over 2^31-1 elements or out of memory while it is built.
    [TestCase("lstm_filters", "100000000", "architecture.lstm_filters must be at most 4096; got 100000000")]
    [TestCase("head_hidden", "4097", "architecture.head_hidden must be at most 4096; got 4097")]
    [TestCase("lstm_kernel", "33", "architecture.lstm_kernel must be at most 31; got 33")]
    [TestCase("image_size", "1048576", "architecture.image_size must be at most 1024; got 1048576")]
    [TestCase("stage_channels", "[32, 1000000, 128]",
        "architecture.stage_channels must be at most 10 stages of at most 4096 channels; got [32, 1000000, 128]")]
    [TestCase("stage_convs", "[1, 100000, 2]",
        "architecture.stage_convs must be at most 16 convolutions a stage; got [1, 100000, 2]")]
    [TestCase("classes", "100000000", "architecture.classes must be at most 4096; got 100000000")]
    public void Absurd_sizes_are_refused_naming_the_key_and_the_cap(string key, string value, string expected)
    {
        var arch = new System.Text.Json.Nodes.JsonObject();
        new EmotionNetOptions().WriteTo(arch);
        arch[key] = System.Text.Json.Nodes.JsonNode.Parse(value);

        Assert.That(() => EmotionNetOptions.ReadFrom(arch, "x/config.json"),
            Throws.TypeOf<InvalidDataException>()
                .With.Message.EqualTo("x/config.json: bad emotion architecture: " + expected));
    }

    [Test]
    public void Saved_model_loads_back_with_the_same_predictions()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"emotion-model-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var net = new EmotionNet(TinyEmotion.Options, new Rng(4));
            // Non-trivial running statistics, so a file that forgot them would differ.
            net.Train();
            net.Forward(new Rng(5).Normal(Backends.Default, 2f, 4, 2, 1, 16, 16));
            var model = new EmotionModel(net);
            model.Save(dir, dtype: Rnn.Core.Serialization.SafeTensorDType.F32);
            var faces = new Rng(6).Normal(Backends.Default, 1f, 3 * 256).ToArray();

            var loaded = EmotionModel.Load(dir);

            var expected = model.Predict(faces, 1, 3);
            var actual = loaded.Predict(faces, 1, 3);
            Assert.That(loaded.Labels, Is.EqualTo(EmotionLabels.All));
            for (int t = 0; t < 3; t++)
            {
                Assert.That(actual[t], Is.EqualTo(expected[t]).Within(1e-5));
                Assert.That(actual[t].Sum(), Is.EqualTo(1f).Within(1e-4));
            }
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }
        }
    }

    [Test]
    public void Another_kind_of_model_is_refused_by_name()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"emotion-other-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            new Rnn.Core.Serialization.ModelConfig("ctc-bilstm").Save(Path.Combine(dir, "config.json"));

            Assert.That(() => EmotionModel.Load(dir),
                Throws.TypeOf<InvalidDataException>().With.Message.Contains("ctc-bilstm"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void Mirror_averaging_is_the_mean_of_the_face_and_its_mirror()
    {
        var model = new EmotionModel(new EmotionNet(TinyEmotion.Options, new Rng(9)));
        var face = new Rng(10).Normal(Backends.Default, 1f, 256).ToArray();
        var mirrored = new float[256];
        for (int y = 0; y < 16; y++)
        {
            for (int x = 0; x < 16; x++)
            {
                mirrored[y * 16 + x] = face[y * 16 + 15 - x];
            }
        }

        var plain = model.PredictSteps(face, 1)[0];
        var flipped = model.PredictSteps(mirrored, 1)[0];
        var both = model.PredictSteps(face, 1, mirror: true)[0];

        Assert.That(both, Is.EqualTo(plain.Zip(flipped, (a, b) => 0.5f * (a + b)).ToArray()).Within(1e-6));
        Assert.That(plain, Is.Not.EqualTo(flipped));
    }

    [Test]
    public void Shift_averaging_is_the_mean_of_five_moved_faces_and_their_mirrors()
    {
        var model = new EmotionModel(new EmotionNet(TinyEmotion.Options, new Rng(9)));
        var face = new Rng(11).Normal(Backends.Default, 1f, 256).ToArray();

        // The face moved (dx, dy) with edges repeated, built here independently of the model's code.
        float[] Moved(float[] f, int dx, int dy, bool flip)
        {
            var m = new float[256];
            for (int y = 0; y < 16; y++)
            {
                for (int x = 0; x < 16; x++)
                {
                    int sx = Math.Clamp(x - dx, 0, 15), sy = Math.Clamp(y - dy, 0, 15);
                    m[y * 16 + (flip ? 15 - x : x)] = f[sy * 16 + sx];
                }
            }

            return m;
        }

        var views = new[] { (0, 0), (2, 0), (-2, 0), (0, 2), (0, -2) };
        var shifted = views.Select(v => model.PredictSteps(Moved(face, v.Item1, v.Item2, false), 1)[0]).ToArray();
        var expected = Enumerable.Range(0, 7).Select(c => shifted.Average(p => p[c])).ToArray();
        Assert.That(model.PredictSteps(face, 1, shift: 2)[0], Is.EqualTo(expected).Within(1e-6));

        var mirrors = views.Select(v => model.PredictSteps(Moved(face, v.Item1, v.Item2, true), 1)[0]);
        var withMirrors = shifted.Concat(mirrors).ToArray();
        var expectedBoth = Enumerable.Range(0, 7).Select(c => withMirrors.Average(p => p[c])).ToArray();
        Assert.That(model.PredictSteps(face, 1, mirror: true, shift: 2)[0], Is.EqualTo(expectedBoth).Within(1e-6));

        Assert.That(model.PredictSteps(face, 1, shift: 0)[0], Is.EqualTo(shifted[0]), "shift 0 is the face alone");
        Assert.That(() => model.PredictSteps(face, 1, shift: 8), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Truncated_weights_and_a_mistyped_config_are_refused_with_the_file()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"emotion-bad-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            new EmotionModel(new EmotionNet(TinyEmotion.Options, new Rng(1))).Save(dir);
            string weights = Path.Combine(dir, "weights.safetensors");
            var bytes = File.ReadAllBytes(weights);
            File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);

            Assert.That(() => EmotionModel.Load(dir),
                Throws.TypeOf<InvalidDataException>().With.Message.Contains("weights.safetensors"));

            new EmotionModel(new EmotionNet(TinyEmotion.Options, new Rng(1))).Save(dir);
            string config = Path.Combine(dir, "config.json");
            File.WriteAllText(config, File.ReadAllText(config).Replace("\"per-image-standardize\"", "7"));
            Assert.That(() => EmotionModel.Load(dir),
                Throws.TypeOf<InvalidDataException>().With.Message.Contains("normalize"));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }
        }
    }

    // WeightCount is checked against the weights file before a model is built, so it must never
    // exceed what the built model holds.
    [Test]
    public void WeightCountIsALowerBoundOfTheBuiltModel()
    {
        foreach (var options in new[]
        {
            new EmotionNetOptions(),
            new EmotionNetOptions { StageChannels = new[] { 8, 16 }, StageConvs = new[] { 2, 3 }, LstmKernel = 5 },
        })
        {
            long built = new EmotionNet(options, new Rng(1)).ParameterCount();
            Assert.That(options.WeightCount(), Is.InRange(1, built));
        }
    }
}
