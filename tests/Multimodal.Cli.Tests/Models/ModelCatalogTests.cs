using System.Text;
using System.Text.Json.Nodes;
using Multimodal.Cli.Models;
using Multimodal.Cli.Tests.Support;
using Rnn.Core.Serialization;

namespace Multimodal.Cli.Tests.Models;

[TestFixture]
public sealed class ModelCatalogTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void Key_metric_prefers_config_key_metric_then_metrics_then_the_card()
    {
        const string card = "# m\n\nKey metric: CER 9.9%\n";
        var both = new JsonObject { ["key_metric"] = "WER 20%", ["metrics"] = new JsonObject { ["wer"] = 0.3 } };
        var metrics = new JsonObject { ["metrics"] = new JsonObject { ["ssim"] = 0.8123456 } };

        Assert.That(ModelCatalog.KeyMetric(both, card), Is.EqualTo("WER 20%"));
        Assert.That(ModelCatalog.KeyMetric(metrics, card), Is.EqualTo("ssim 0.8123"));
        Assert.That(ModelCatalog.KeyMetric(new JsonObject(), card), Is.EqualTo("CER 9.9%"));
        Assert.That(ModelCatalog.KeyMetric(new JsonObject(), "# m\n"), Is.Null);
    }

    // The listing builds the model its config.json describes and checks the weights' names and
    // shapes against it (the header only): every bundled model passes; a config whose hidden size
    // was edited away from the weights is a problem naming the mismatched weights, where before it
    // was listed and failed the first time a verb loaded it.
    [Test]
    public void Weights_that_do_not_fit_the_config_are_a_problem_and_the_bundled_models_fit()
    {
        string bundled = Path.Combine(SpeechFiles.RepositoryRoot, "models");
        var (models, problems) = ModelCatalog.Scan(bundled);
        Assert.That(problems, Is.Empty, string.Join("\n", problems));
        Assert.That(models.Select(m => m.Name), Does.Contain("speech-digits").And.Contain("emotion-fer2013")
            .And.Contain("caption-flickr8k").And.Contain("video-predict-mnist"));

        foreach (var name in new[] { "speech-digits", "video-predict-mnist" })
        {
            string copy = _temp.Sub(name);
            foreach (var file in Directory.GetFiles(Path.Combine(bundled, name)))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }
        }

        string config = Path.Combine(_temp.Path, "speech-digits", "config.json");
        var json = JsonNode.Parse(File.ReadAllText(config))!;
        json["architecture"]!["hidden"] = 96;
        File.WriteAllText(config, json.ToJsonString());

        var (listed, wrong) = ModelCatalog.Scan(_temp.Path, FakeModels.Kinds);

        Assert.That(listed.Select(m => m.Name), Is.EqualTo(new[] { "video-predict-mnist" }));
        Assert.That(wrong.Single().Folder, Does.EndWith("speech-digits"));
        Assert.That(wrong.Single().Reason,
            Does.StartWith("weights.safetensors: does not match the model")
            .And.Contain("17 mismatched: ").And.Contain("[288, 96] in the model").And.EndWith(" and 14 more"));
    }

    // A caption config edited to sizes within every cap (8192 units, 4 layers) took minutes and
    // gigabytes to build for the listing before its weights were found not to match.
    [Test]
    public void A_config_describing_more_weights_than_its_file_holds_is_a_problem_found_before_building()
    {
        string bundled = Path.Combine(SpeechFiles.RepositoryRoot, "models", "caption-flickr8k");
        string copy = _temp.Sub("caption-flickr8k");
        foreach (var file in Directory.GetFiles(bundled))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        string config = Path.Combine(copy, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(config))!;
        json["architecture"]!["hidden"] = 8192;
        json["architecture"]!["embed"] = 8192;
        json["architecture"]!["layers"] = 4;
        File.WriteAllText(config, json.ToJsonString());

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (listed, wrong) = ModelCatalog.Scan(_temp.Path, FakeModels.Kinds);
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), "the model was built first");
        Assert.That(listed, Is.Empty);
        Assert.That(wrong.Single().Reason, Does.Match(
            @"^weights\.safetensors: holds \d+ weights; config\.json describes at least 2\d{9}$"));
    }

    // Found by a new-user trial: a named pipe as config.json, weights.safetensors or MODEL_CARD.md
    // hung the listing for ever, and config.json linked to /dev/zero grew it to 4.3 GB.
    [Test]
    public void Model_files_that_are_no_regular_files_or_far_too_large_are_problems_at_once()
    {
        string bundled = Path.Combine(SpeechFiles.RepositoryRoot, "models");
        string config = CopyModel(bundled, "speech-digits", "a-config");
        string weights = CopyModel(bundled, "speech-digits", "b-weights");
        string card = CopyModel(bundled, "speech-digits", "c-card");
        string device = CopyModel(bundled, "speech-digits", "d-device");
        string huge = CopyModel(bundled, "speech-digits", "e-huge");
        File.Delete(Path.Combine(config, "config.json"));
        File.Delete(Path.Combine(weights, "weights.safetensors"));
        File.Delete(Path.Combine(card, "MODEL_CARD.md"));
        NamedPipes.Make(Path.Combine(config, "config.json"), Path.Combine(weights, "weights.safetensors"),
            Path.Combine(card, "MODEL_CARD.md"));
        File.Delete(Path.Combine(device, "config.json"));
        File.CreateSymbolicLink(Path.Combine(device, "config.json"), "/dev/zero");
        using (var stream = File.OpenWrite(Path.Combine(huge, "config.json")))
        {
            stream.SetLength(ModelConfig.MaxBytes + 1);
        }

        var scan = Task.Run(() => ModelCatalog.Scan(_temp.Path, FakeModels.Kinds));
        Assert.That(scan.Wait(TimeSpan.FromSeconds(60)), Is.True, "the listing hung");
        var (listed, wrong) = scan.Result;
        const string pipe = "a named pipe, not a file: inputs are read from files (save the stream to one first)";
        Assert.That(listed, Is.Empty);
        Assert.That(wrong.Select(w => (Path.GetFileName(w.Folder), w.Reason)), Is.EqualTo(new[]
        {
            ("a-config", "config.json: " + pipe),
            ("b-weights", "weights.safetensors: " + pipe),
            ("c-card", "MODEL_CARD.md: " + pipe),
            ("d-device", "config.json: a device, not a file"),
            ("e-huge", $"config.json: {ModelConfig.MaxBytes + 1} bytes; a file of this kind holds at most " +
                $"{ModelConfig.MaxBytes}"),
        }));
    }

    [Test]
    public void Counts_parameters_over_all_tensors()
    {
        var folder = FakeModels.Write(_temp.Path, "m", "t",
            new Dictionary<string, int[]> { ["a"] = [3, 4], ["b"] = [5] });

        var info = ModelCatalog.Load(folder, FakeModels.Kinds);

        Assert.That(info.ParameterCount, Is.EqualTo(17));
        Assert.That(info.Architecture, Is.EqualTo("test-rnn"));
        Assert.That(info.SizeBytes, Is.EqualTo(new DirectoryInfo(folder).GetFiles()
            .Where(f => f.Extension != ".md").Sum(f => f.Length)), "config and weights, not the card");
    }

    [Test]
    public void Bad_config_json_is_a_problem_naming_the_file()
    {
        var folder = FakeModels.Write(_temp.Path, "m", "t", new Dictionary<string, int[]> { ["w"] = [1] });
        File.WriteAllText(Path.Combine(folder, "config.json"), "{ not json");

        var (models, problems) = ModelCatalog.Scan(_temp.Path, FakeModels.Kinds);

        Assert.That(models, Is.Empty);
        Assert.That(problems.Single().Reason, Does.StartWith("config.json: "));
    }

    [Test]
    public void Config_of_another_format_is_a_problem()
    {
        var folder = FakeModels.Write(_temp.Path, "m", "t", new Dictionary<string, int[]> { ["w"] = [1] });
        File.WriteAllText(Path.Combine(folder, "config.json"), "{\"task\":\"x\"}");

        var (_, problems) = ModelCatalog.Scan(_temp.Path, FakeModels.Kinds);

        Assert.That(problems.Single().Reason, Does.StartWith("config.json: ").And.Contain("format"));
    }

    [Test]
    public void Truncated_weights_are_a_problem_naming_the_file()
    {
        var folder = FakeModels.Write(_temp.Path, "m", "t", new Dictionary<string, int[]> { ["w"] = [4] });
        var weights = Path.Combine(folder, "weights.safetensors");
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..^4]);

        var (_, problems) = ModelCatalog.Scan(_temp.Path, FakeModels.Kinds);

        Assert.That(problems.Single().Reason, Does.StartWith("weights.safetensors: "));
    }

    [Test]
    public void Missing_task_shows_as_a_question_mark()
    {
        var folder = FakeModels.Write(_temp.Path, "m", "t", new Dictionary<string, int[]> { ["w"] = [1] });
        var config = Rnn.Core.Serialization.ModelConfig.Read(Path.Combine(folder, "config.json"));
        config.Extra.Remove("task");
        config.Save(Path.Combine(folder, "config.json"));

        Assert.That(ModelCatalog.Load(folder, FakeModels.Kinds).Task, Is.EqualTo("?"));
    }

    [Test]
    public void A_header_with_invalid_utf8_is_one_error_line_and_the_other_models_still_list()
    {
        FakeModels.Write(_temp.Path, "good", "asr", new Dictionary<string, int[]> { ["a"] = [2] });
        var bad = FakeModels.Write(_temp.Path, "bad", "asr", new Dictionary<string, int[]> { ["a"] = [2] });
        byte[] header =
        [
            .. Encoding.ASCII.GetBytes("{\""), 0xFF, 0xFE, // never valid in UTF-8
            .. Encoding.ASCII.GetBytes("\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"),
        ];
        WriteWeights(bad, header, new byte[4]);

        var run = CliRun.Invoke(["models", "--models-dir", _temp.Path], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Out, Does.Contain("good"), "the good model must still be listed");
        Assert.That(run.Error, Does.Contain(bad));
        Assert.That(run.Error, Does.Not.Contain("unexpected"));
        Assert.That(run.Error, Does.Contain("weights.safetensors: header is not valid UTF-8 JSON"));
    }

    [Test]
    public void A_weights_file_over_2_GiB_is_one_error_line_naming_it_and_the_other_models_still_list()
    {
        FakeModels.Write(_temp.Path, "good", "asr", new Dictionary<string, int[]> { ["a"] = [2] });
        var big = FakeModels.Write(_temp.Path, "big", "asr", new Dictionary<string, int[]> { ["a"] = [2] });
        const long bytes = 800_000_000L * 4;
        var header = Encoding.ASCII.GetBytes(
            $"{{\"a\":{{\"dtype\":\"F32\",\"shape\":[800000000],\"data_offsets\":[0,{bytes}]}}}}");
        using (var f = File.Create(Path.Combine(big, "weights.safetensors")))
        {
            f.Write(BitConverter.GetBytes((ulong)header.Length));
            f.Write(header);
            f.SetLength(8 + header.Length + bytes); // sparse: no disk used
        }

        var run = CliRun.Invoke(["models", "--models-dir", _temp.Path], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Out, Does.Contain("good"), "the good model must still be listed");
        Assert.That(run.Error, Does.Contain(big));
        long length = 8 + header.Length + bytes;
        Assert.That(run.Error.Trim(), Is.EqualTo(
            $"error: {big}: weights.safetensors: {length} bytes; files over 2 GiB are not supported"));
    }

    [Test]
    public void A_weights_file_over_2_GiB_with_a_bad_header_is_one_error_line_naming_it()
    {
        FakeModels.Write(_temp.Path, "good", "asr", new Dictionary<string, int[]> { ["a"] = [2] });
        var big = FakeModels.Write(_temp.Path, "big", "asr", new Dictionary<string, int[]> { ["a"] = [2] });
        const long bytes = 800_000_000L * 4;
        var header = Encoding.ASCII.GetBytes(
            $"{{\"a\":{{\"dtype\":\"F32\",\"shape\":[800000000],\"data_offsets\":[0,{bytes}]}}}}");
        using (var f = File.Create(Path.Combine(big, "weights.safetensors")))
        {
            f.Write(BitConverter.GetBytes((ulong)header.Length));
            f.Write(header);
            f.SetLength(8 + header.Length + bytes + 4); // four trailing bytes no tensor covers
        }

        var run = CliRun.Invoke(["models", "--models-dir", _temp.Path], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Out, Does.Contain("good"), "the good model must still be listed");
        Assert.That(run.Error, Does.Contain(big));
        Assert.That(run.Error, Does.Contain("4 trailing bytes"));
        Assert.That(run.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void Non_float_tensors_are_a_problem_as_ModelIo_would_refuse_them()
    {
        FakeModels.Write(_temp.Path, "good", "asr", new Dictionary<string, int[]> { ["a"] = [2] });
        var ints = FakeModels.Write(_temp.Path, "ints", "asr", new Dictionary<string, int[]> { ["a"] = [2] });
        WriteWeights(ints, Encoding.ASCII.GetBytes(
            "{\"x\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}"), new byte[16]);

        var run = CliRun.Invoke(["models", "--models-dir", _temp.Path], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Out, Does.Contain("good").And.Not.Contain("ints"));
        Assert.That(run.Error.Trim(), Is.EqualTo(
            $"error: {ints}: weights.safetensors: tensor 'x' has dtype I64; expected F32, F16 or BF16"));
    }

    // An ONNX speech model folder holds its graph instead of weights.safetensors: it lists (no
    // parameter count, since the listing does not read the graph), and one whose config names a
    // graph that is not there, or an input kind that does not exist, is a problem naming that.
    [Test]
    public void An_onnx_model_folder_lists_and_its_missing_graph_or_bad_config_is_a_problem()
    {
        string good = WriteOnnxModel("onnx-good", "waveform");
        WriteOnnxModel("onnx-no-graph", "waveform", graph: false);
        WriteOnnxModel("onnx-bad-input", "spectrogram");
        FakeModels.Write(_temp.Path, "native", "asr", new Dictionary<string, int[]> { ["a"] = [2] });

        var (models, problems) = ModelCatalog.Scan(_temp.Path, FakeModels.Kinds);

        Assert.That(models.Select(m => m.Name), Is.EqualTo(new[] { "native", "onnx-good" }));
        var onnx = models.Single(m => m.Name == "onnx-good");
        Assert.That((onnx.Task, onnx.Architecture, onnx.ParameterCount),
            Is.EqualTo(("transcribe", "onnx-ctc", (long?)null)));
        Assert.That(onnx.SizeBytes, Is.EqualTo(new FileInfo(Path.Combine(good, "model.onnx")).Length
            + new FileInfo(Path.Combine(good, "config.json")).Length));
        Assert.That(problems.Select(p => (Path.GetFileName(p.Folder), p.Reason)), Is.EqualTo(new[]
        {
            ("onnx-bad-input", "config.json: architecture.input is 'spectrogram', expected 'waveform' or 'log-mel'"),
            ("onnx-no-graph", "not a model folder: missing model.onnx"),
        }));

        var run = CliRun.Invoke(["models", "--models-dir", _temp.Path], modules: FakeModels.Verbs);
        Assert.That(run.Out, Does.Match(@"onnx-good\s*\|\s*transcribe\s*\|\s*onnx-ctc\s*\|\s*-\s*\|"));
    }

    // A config.json asking for sizes no model has made `models` print no table at all, only
    // "unexpected ArgumentException: shape [...] has ... elements" (or run out of memory). Each size
    // is now capped where the config is read, and what still fails to build (here a predictor whose
    // capped sizes multiply into one tensor of 1.9e11 elements) is that folder's problem line.
    [Test]
    public void Absurd_architecture_sizes_are_problem_lines_and_the_other_models_still_list()
    {
        string bundled = Path.Combine(SpeechFiles.RepositoryRoot, "models");
        var edits = new (string Folder, string Source, string Section, string Key, JsonNode Value)[]
        {
            ("conv", "speech-digits", "architecture", "conv_channels", 1_000_000),
            ("hidden", "speech-digits", "architecture", "hidden", 100_000_000),
            ("layers", "speech-digits", "architecture", "layers", 100_000),
            ("predict", "video-predict-mnist", "architecture", "hidden", new JsonArray(100_000)),
            ("predict-huge", "video-predict-mnist", "architecture", "kernel", 31),
        };
        foreach (var (folder, source, section, key, value) in edits)
        {
            string copy = CopyModel(bundled, source, folder);
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(copy, "config.json")))!;
            json[section]![key] = value;
            if (folder == "predict-huge")
            {
                json["preprocessing"]!["frame_size"] = 4096;
                json["preprocessing"]!["channels"] = 3;
                json["architecture"]!["patch"] = 64;
                json["architecture"]!["hidden"] = new JsonArray(4096);
            }

            File.WriteAllText(Path.Combine(copy, "config.json"), json.ToJsonString());
        }

        CopyModel(bundled, "video-predict-mnist", "zz-intact");

        var (models, problems) = ModelCatalog.Scan(_temp.Path, FakeModels.Kinds);

        Assert.That(models.Select(m => m.Name), Is.EqualTo(new[] { "zz-intact" }));
        Assert.That(problems.Select(p => (Path.GetFileName(p.Folder), p.Reason)), Is.EqualTo(new[]
        {
            ("conv", "config.json: \"architecture.conv_channels\" must be 1..1024; got 1000000"),
            ("hidden", "config.json: \"architecture.hidden\" must be 1..8192; got 100000000"),
            ("layers", "config.json: \"architecture.layers\" must be 1..64; got 100000"),
            ("predict", "config.json: architecture.hidden must be 1..16 filter counts of 1..4096; got [100000]"),
            ("predict-huge", "weights.safetensors: holds 74512 weights; config.json describes at least 257966473216"),
        }));

        var run = CliRun.Invoke(["models", "--models-dir", _temp.Path], modules: FakeModels.Verbs);
        Assert.That(run.Out, Does.Contain("zz-intact"), run.Error);
        Assert.That(run.Error, Does.Not.Contain("unexpected"));
    }

    // With no weights.safetensors, only the config says whether this is an ONNX model; one that
    // does not parse was reported as "missing weights.safetensors" while `transcribe` named the
    // real fault. A config that parses and is no ONNX model still lacks its weights.
    [TestCase("", "config.json: not valid JSON at line 1, byte 1")]
    [TestCase("{\"format\": \"multimodal-model\",\n", "config.json: not valid JSON at line 2, byte 1")]
    [TestCase("null", "config.json: top level is null, expected an object")]
    [TestCase("[]", "config.json: top level is an array, expected an object")]
    [TestCase("{\"format\": \"multimodal-model\", \"version\": 99, \"architecture\": {\"type\": \"onnx-ctc\"}}",
        "config.json: config version 99 is newer than this library reads (1); update it")]
    [TestCase("{\"format\": \"multimodal-model\", \"version\": 1, \"architecture\": {\"type\": \"test-rnn\"}}",
        "not a model folder: missing weights.safetensors")]
    public void A_config_without_weights_is_reported_as_itself(string config, string reason)
    {
        string folder = WriteOnnxModel("onnx", "waveform");
        File.WriteAllText(Path.Combine(folder, "config.json"), config);

        var (models, problems) = ModelCatalog.Scan(_temp.Path, FakeModels.Kinds);

        Assert.That(models, Is.Empty);
        Assert.That(problems.Single().Reason, Is.EqualTo(reason));
    }

    [Test]
    public void An_onnx_file_that_is_a_folder_is_named_as_a_folder()
    {
        string folder = WriteOnnxModel("onnx", "waveform", graph: false);
        Directory.CreateDirectory(Path.Combine(folder, "model.onnx"));

        var (_, problems) = ModelCatalog.Scan(_temp.Path, FakeModels.Kinds);

        Assert.That(problems.Single().Reason,
            Is.EqualTo("config.json: architecture.file 'model.onnx' is a folder, not an ONNX file"));
    }

    // A config.json of a kind no verb runs (a typo, a model of another program) was listed as a
    // usable model; it is a problem naming the file and the kind, and the other folders are listed.
    [Test]
    public void An_unknown_architecture_type_is_a_problem_and_the_others_are_listed()
    {
        string bundled = Path.Combine(SpeechFiles.RepositoryRoot, "models");
        CopyModel(bundled, "video-predict-mnist", "b-real");
        FakeModels.Write(_temp.Path, "a-fake", "t", new Dictionary<string, int[]> { ["w"] = [2] });
        string typo = CopyModel(bundled, "video-predict-mnist", "c-typo");
        string config = Path.Combine(typo, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace(
            "\"convlstm-encoder-forecaster\"", "\"convlstm-encoder-forcaster\"", StringComparison.Ordinal));

        var (models, problems) = ModelCatalog.Scan(_temp.Path);

        Assert.That(models.Select(m => m.Name), Is.EqualTo(new[] { "b-real" }));
        string known = "; this program runs " + string.Join(", ", ModelKinds.BuiltIn.Types);
        Assert.That(problems.Select(p => (Path.GetFileName(p.Folder), p.Reason)), Is.EqualTo(new[]
        {
            ("a-fake", "config.json: unknown architecture.type 'test-rnn'" + known),
            ("c-typo", "config.json: unknown architecture.type 'convlstm-encoder-forcaster'" + known),
        }));
        Assert.That(known, Does.Contain("ctc-rnn-acoustic").And.Contain("onnx-ctc").And.Contain("emotion-convlstm"));

        // Kinds a caller adds (a test's fake ones) are listed.
        Assert.That(ModelCatalog.Scan(_temp.Path, FakeModels.Kinds).Models.Select(m => m.Name),
            Is.EqualTo(new[] { "a-fake", "b-real" }));
    }

    private string CopyModel(string models, string name, string copyName)
    {
        string copy = _temp.Sub(copyName);
        foreach (var file in Directory.GetFiles(Path.Combine(models, name)))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    private string WriteOnnxModel(string name, string input, bool graph = true)
    {
        string folder = _temp.Sub(name);
        var config = new JsonObject
        {
            ["format"] = "multimodal-model",
            ["version"] = 1,
            ["architecture"] = new JsonObject { ["type"] = "onnx-ctc", ["file"] = "model.onnx", ["input"] = input },
            ["preprocessing"] = new JsonObject { ["sample_rate"] = 16000 },
            ["vocabulary"] = new JsonObject
            {
                ["tokens"] = new JsonArray("<blank>", "a", "b", "|"),
                ["blank_index"] = 0,
                ["word_separator"] = "|",
            },
        };
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());
        File.WriteAllText(Path.Combine(folder, "MODEL_CARD.md"), "# an ONNX model\n");
        if (graph)
        {
            File.WriteAllBytes(Path.Combine(folder, "model.onnx"), new byte[123]);
        }

        return folder;
    }

    private static void WriteWeights(string folder, byte[] header, byte[] data)
    {
        using var f = File.Create(Path.Combine(folder, "weights.safetensors"));
        f.Write(BitConverter.GetBytes((ulong)header.Length));
        f.Write(header);
        f.Write(data);
    }
}
