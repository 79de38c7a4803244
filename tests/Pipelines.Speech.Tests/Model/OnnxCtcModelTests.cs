using System.Text.Json.Nodes;
using Pipelines.Speech.Model;
using Pipelines.Speech.Tests.Support;
using Pipelines.Speech.Transcription;

namespace Pipelines.Speech.Tests.Model;

/// <summary>
/// ONNX CTC models built by the test (<see cref="TinyOnnx"/>) whose outputs are known by
/// construction: tone detectors. They go through the same VAD, decoders and word times as our
/// own models, from a model directory loaded by <see cref="SpeechTranscriber.Load"/>.
/// </summary>
public sealed class OnnxCtcModelTests
{
    private const int Rate = 8000;

    // 0.3 s quiet, 0.4 s of `first`, 0.3 s quiet, 0.4 s of `second`, 0.3 s quiet.
    private static float[] TwoTones(double first, double second)
    {
        var quiet = Signals.Noise((int)(0.3 * Rate), 1e-3, 4);
        return quiet.Concat(Signals.Sine(first, Rate, 0.4)).Concat(quiet)
            .Concat(Signals.Sine(second, Rate, 0.4)).Concat(quiet).ToArray();
    }

    private static string WriteWav(TempFiles temp, float[] samples) =>
        temp.Write("tones.wav", new WavBuilder { SampleRate = Rate }.Build(WavBuilder.Encode(samples, 1, 16)));

    [Test]
    public void LogMelModelTranscribesThroughTheSameDecoderWithWordTimes()
    {
        // logits = features [batch, time, 8] x W [8, 3] + b on raw log-mel bands (normalisation "none"):
        // "low" is the mean of bands 0-1, "high" of bands 6-7, the blank a constant 0. A band holding a
        // 0.5 tone has a log energy near +7, one holding only the quiet noise near -7.
        var w = new float[8 * 3];
        w[0 * 3 + 1] = w[1 * 3 + 1] = 0.5f;
        w[6 * 3 + 2] = w[7 * 3 + 2] = 0.5f;
        using var temp = new TempFiles();
        string dir = Path.Combine(temp.Folder, "model");
        new TinyOnnx()
            .Input("features", "batch", "time", 8)
            .Floats("W", [8, 3], w)
            .Floats("B", [3], [0f, 0, 0])
            .Node("MatMul", ["features", "W"], "mm")
            .Node("Add", ["mm", "B"], "logits")
            .Output("logits", "batch", "time", 3)
            .Save(dir, new JsonObject { ["input"] = "log-mel", ["output_frame_seconds"] = 0.01 },
                new JsonObject
                {
                    ["sample_rate"] = Rate, ["n_mels"] = 8, ["window_seconds"] = 0.025, ["hop_seconds"] = 0.01,
                    ["normalization"] = "none",
                },
                ["<blank>", "low", "high"]);

        var transcriber = SpeechTranscriber.Load(dir);
        Assert.That(transcriber.Model, Is.InstanceOf<OnnxCtcModel>());
        var result = transcriber.Transcribe(WriteWav(temp, TwoTones(300, 3200)));

        Assert.That(result.Transcript.Text, Is.EqualTo("low high"));
        var words = result.Transcript.Words.ToArray();
        Assert.That(words[0].Start, Is.InRange(0.25, 0.75));
        Assert.That(words[1].Start, Is.InRange(0.95, 1.45));
        Assert.That(words.All(x => x.Confidence > 0.5), Is.True);
    }

    [Test]
    public void MfccConfigFeedsTheGraphTheMfccsOfItsMelBands()
    {
        // preprocessing.n_mfcc 4 of 20 mel bands: the graph is the identity on [batch, time, 4], so
        // its log-softmaxed output must be that of the 4 MFCCs our own extractor computes, and a graph
        // reading the 20 bands must be refused.
        var eye = new float[4 * 4];
        for (int i = 0; i < 4; i++) eye[i * 4 + i] = 1;
        var preprocessing = new JsonObject
        {
            ["sample_rate"] = Rate, ["n_mels"] = 20, ["n_mfcc"] = 4, ["window_seconds"] = 0.025,
            ["hop_seconds"] = 0.01, ["normalization"] = "none",
        };
        using var temp = new TempFiles();
        string dir = Path.Combine(temp.Folder, "model");
        new TinyOnnx()
            .Input("features", "batch", "time", 4)
            .Floats("W", [4, 4], eye)
            .Node("MatMul", ["features", "W"], "logits")
            .Output("logits", "batch", "time", 4)
            .Save(dir, new JsonObject { ["input"] = "log-mel" }, preprocessing, ["<blank>", "a", "b", "c"]);

        using var model = OnnxCtcModel.Load(dir);
        Assert.That(model.Features!.FeatureCount, Is.EqualTo(4));
        float[] samples = TwoTones(300, 3200);
        var output = model.Infer(samples);
        var mfcc = new Pipelines.Speech.Features.LogMelSpectrogram(
            new() { SampleRate = Rate, MelBands = 20, Mfcc = 4 }).Compute(samples);
        Assert.That(output.Frames, Is.EqualTo(mfcc.Frames));
        for (int t = 0; t < mfcc.Frames; t += 5)
        {
            var row = mfcc.Row(t).ToArray();
            double log = Math.Log(row.Sum(v => Math.Exp(v - row.Max()))) + row.Max();
            for (int k = 0; k < 4; k++)
            {
                // Tolerance: float MatMul in ONNX Runtime against our float DCT, log-softmax in double.
                Assert.That(output.LogProbs[t * 4 + k], Is.EqualTo(row[k] - log).Within(1e-3), $"frame {t}, c{k}");
            }
        }

        new TinyOnnx()
            .Input("features", "batch", "time", 20)
            .Floats("W", [20, 4], new float[80])
            .Node("MatMul", ["features", "W"], "logits")
            .Output("logits", "batch", "time", 4)
            .Save(dir, new JsonObject { ["input"] = "log-mel" }, preprocessing, ["<blank>", "a", "b", "c"]);
        var wrong = Assert.Throws<InvalidDataException>(() => OnnxCtcModel.Load(dir));
        Assert.That(wrong!.Message, Does.Contain("input 'features'").And.Contain("[batch, time, 4]"));

        preprocessing["pad_seconds"] = 0.1;
        new TinyOnnx()
            .Input("features", "batch", "time", 4)
            .Floats("W", [4, 4], eye)
            .Node("MatMul", ["features", "W"], "logits")
            .Output("logits", "batch", "time", 4)
            .Save(dir, new JsonObject { ["input"] = "log-mel" }, preprocessing, ["<blank>", "a", "b", "c"]);
        var pad = Assert.Throws<InvalidDataException>(() => OnnxCtcModel.Load(dir));
        Assert.That(pad!.Message, Does.Contain("pad_seconds is not supported"));
    }

    // A graph that loads but fails on an input (its feature size left open, its weights for 4 features,
    // the config giving 6) is the file's one error line, without ONNX Runtime's "[ErrorCode:...]" prefix
    // (and ONNX Runtime logs nothing of its own on stderr: the session logs fatal errors only).
    [Test]
    public void AGraphThatFailsOnAnInputIsOneClearError()
    {
        var preprocessing = new JsonObject
        {
            ["sample_rate"] = Rate, ["n_mels"] = 20, ["n_mfcc"] = 6, ["window_seconds"] = 0.025,
            ["hop_seconds"] = 0.01, ["normalization"] = "none",
        };
        using var temp = new TempFiles();
        string dir = Path.Combine(temp.Folder, "model");
        new TinyOnnx()
            .Input("features", "batch", "time", "features")
            .Floats("W", [4, 4], new float[16])
            .Node("MatMul", ["features", "W"], "logits")
            .Output("logits", "batch", "time", 4)
            .Save(dir, new JsonObject { ["input"] = "log-mel" }, preprocessing, ["<blank>", "a", "b", "c"]);
        using var model = OnnxCtcModel.Load(dir);

        var error = Assert.Throws<InvalidDataException>(() => model.Infer(TwoTones(300, 3200)));

        Assert.That(error!.Message, Does.StartWith("ONNX Runtime could not run the model on it: ")
            .And.Not.Contain("[ErrorCode").And.Not.Contain("\n"));
    }

    [Test]
    public void WaveformModelReadsSamplesAndItsFrameLengthIsDerivedFromTheOutput()
    {
        // [batch, samples] -> [batch, 1, samples] -> squared -> Conv with 80-sample kernels, stride 80
        // (one frame per 10 ms) -> [batch, 2, frames] -> [batch, frames, 2] + b: "beep" is 100 x the mean
        // energy of the frame (12.5 for a 0.5 tone), the blank a constant 3.
        var kernel = new float[2 * 80];
        Array.Fill(kernel, 100f / 80, 80, 80);
        using var temp = new TempFiles();
        string dir = Path.Combine(temp.Folder, "model");
        new TinyOnnx()
            .Input("audio", "batch", "samples")
            .Int64s("axes", [1])
            .Floats("K", [2, 1, 80], kernel)
            .Floats("B", [2], [3f, 0])
            .Node("Unsqueeze", ["audio", "axes"], "x")
            .Node("Mul", ["x", "x"], "energy")
            .Node("Conv", ["energy", "K"], "conv", ("kernel_shape", [80]), ("strides", [80]))
            .Node("Transpose", ["conv"], "frames", ("perm", [0, 2, 1]))
            .Node("Add", ["frames", "B"], "logits")
            .Output("logits", "batch", "frames", 2)
            .Save(dir, new JsonObject { ["input"] = "waveform" }, new JsonObject { ["sample_rate"] = Rate },
                ["<blank>", "beep"]);

        using var model = OnnxCtcModel.Load(dir);
        var output = model.Infer(TwoTones(500, 900));
        Assert.That(output.Frames, Is.EqualTo(TwoTones(500, 900).Length / 80));
        Assert.That(output.FrameSeconds, Is.EqualTo(0.01).Within(1e-9));

        var result = new SpeechTranscriber(model).Transcribe(WriteWav(temp, TwoTones(500, 900)));
        Assert.That(result.Transcript.Text, Is.EqualTo("beep beep"));
        var words = result.Transcript.Words.ToArray();
        Assert.That(words[0].Start, Is.EqualTo(0.3).Within(0.05));
        Assert.That(words[1].Start, Is.EqualTo(1.0).Within(0.05));
    }

    [Test]
    public void AGraphThatDoesNotFitTheConfigIsRefusedAtLoadNamingTheMismatch()
    {
        using var temp = new TempFiles();
        string dir = Path.Combine(temp.Folder, "model");
        var graph = new TinyOnnx()
            .Input("features", "batch", "time", 8)
            .Floats("W", [8, 3], new float[24])
            .Node("MatMul", ["features", "W"], "logits")
            .Output("logits", "batch", "time", 3);
        var mel = new JsonObject
        {
            ["sample_rate"] = Rate, ["n_mels"] = 8, ["window_seconds"] = 0.025, ["hop_seconds"] = 0.01,
            ["normalization"] = "none",
        };

        graph.Save(dir, new JsonObject { ["input"] = "log-mel" }, mel, ["<blank>", "a"]);
        var vocab = Assert.Throws<InvalidDataException>(() => SpeechTranscriber.Load(dir));
        Assert.That(vocab!.Message, Does.Contain("output 'logits'").And.Contain("vocabulary has 2 tokens"));

        graph.Save(dir, new JsonObject { ["input"] = "waveform" }, mel, ["<blank>", "a", "b"]);
        var rank = Assert.Throws<InvalidDataException>(() => SpeechTranscriber.Load(dir));
        Assert.That(rank!.Message, Does.Contain("input 'features'").And.Contain("[batch, samples]"));

        graph.Save(dir, new JsonObject { ["input"] = "spectrum" }, mel, ["<blank>", "a", "b"]);
        var input = Assert.Throws<InvalidDataException>(() => SpeechTranscriber.Load(dir));
        Assert.That(input!.Message, Does.Contain("'spectrum'").And.Contain("'waveform' or 'log-mel'"));

        graph.Save(dir, new JsonObject { ["input"] = "log-mel" }, mel, ["<blank>", "a", "b"]);
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), [1, 2, 3, 4, 5]);
        var corrupt = Assert.Throws<InvalidDataException>(() => SpeechTranscriber.Load(dir));
        Assert.That(corrupt!.Message, Does.Contain("model.onnx").And.Contain("not a loadable ONNX model"));

        File.Delete(Path.Combine(dir, "model.onnx"));
        var missing = Assert.Throws<FileNotFoundException>(() => SpeechTranscriber.Load(dir));
        Assert.That(missing!.Message, Does.Contain("no ONNX file 'model.onnx'"));
    }

    [Test]
    public void ABadPreprocessingValueIsNamedByItsConfigKey()
    {
        // The features of an ONNX graph are validated as our own models' are: by the key config.json
        // holds, not as an ArgumentException about HopSeconds with "(Parameter 'HopSeconds')".
        using var temp = new TempFiles();
        string dir = Path.Combine(temp.Folder, "model");
        var mel = new JsonObject
        {
            ["sample_rate"] = Rate, ["n_mels"] = 8, ["window_seconds"] = 0.025, ["hop_seconds"] = 0,
            ["normalization"] = "none",
        };
        new TinyOnnx()
            .Input("features", "batch", "time", 8)
            .Floats("W", [8, 3], new float[24])
            .Node("MatMul", ["features", "W"], "logits")
            .Output("logits", "batch", "time", 3)
            .Save(dir, new JsonObject { ["input"] = "log-mel" }, mel, ["<blank>", "a", "b"]);

        var hop = Assert.Throws<InvalidDataException>(() => SpeechTranscriber.Load(dir));
        Assert.That(hop!.Message, Is.EqualTo(Path.Combine(dir, "config.json") +
            ": \"preprocessing.hop_seconds\" must be 1 sample .. one window (0.025 s); got 0"));
    }

    // "n_mels": 100000000 passed every check and the first audio then allocated a filter bank of
    // n_mels x 257 floats until the process was killed; it is refused at load, before the graph opens.
    // So is an architecture.file that names a folder, which was reported as a missing file.
    [Test]
    public void AbsurdMelBandsAndAFolderForTheGraphAreRefusedAtLoadNamingWhy()
    {
        using var temp = new TempFiles();
        string dir = Path.Combine(temp.Folder, "model");
        var mel = new JsonObject
        {
            ["sample_rate"] = Rate, ["n_mels"] = 100_000_000, ["window_seconds"] = 0.025, ["hop_seconds"] = 0.01,
            ["normalization"] = "none",
        };
        var graph = new TinyOnnx()
            .Input("features", "batch", "time", 8)
            .Floats("W", [8, 3], new float[24])
            .Node("MatMul", ["features", "W"], "logits")
            .Output("logits", "batch", "time", 3);
        graph.Save(dir, new JsonObject { ["input"] = "log-mel" }, mel, ["<blank>", "a", "b"]);

        var bands = Assert.Throws<InvalidDataException>(() => SpeechTranscriber.Load(dir));
        Assert.That(bands!.Message, Is.EqualTo(Path.Combine(dir, "config.json") +
            ": \"preprocessing.n_mels\" must be 1..512; got 100000000"));

        mel["n_mels"] = 8;
        graph.Save(dir, new JsonObject { ["input"] = "log-mel", ["file"] = "graph" }, mel, ["<blank>", "a", "b"]);
        Directory.CreateDirectory(Path.Combine(dir, "graph"));
        var folder = Assert.Throws<InvalidDataException>(() => SpeechTranscriber.Load(dir));
        Assert.That(folder!.Message, Is.EqualTo(Path.Combine(dir, "config.json") +
            ": architecture.file 'graph' is a folder, not an ONNX file"));
    }
}
