using System.Text.Json.Nodes;
using Multimodal.Cli.Commands;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Commands;

[TestFixture]
public sealed class ModelsCommandTests
{
    private TempFolder _temp = null!;
    private string _models = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        _models = _temp.Sub("models");
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private void WriteTwoModels()
    {
        // 4*8*3 + 4*8*8 + 4*8 = 96 + 256 + 32 = 384 parameters.
        FakeModels.Write(_models, "speech-small", "speech-to-text",
            new Dictionary<string, int[]> { ["weight_ih"] = [32, 3], ["weight_hh"] = [32, 8], ["bias"] = [32] },
            extra: new JsonObject { ["metrics"] = new JsonObject { ["wer"] = 0.213 } });
        FakeModels.Write(_models, "caption-tiny", "image-captioning",
            new Dictionary<string, int[]> { ["embed"] = [1500, 1000] },
            card: "# caption-tiny\n\n- **Key metric:** BLEU-4 0.11 on Flickr8k test\n");
    }

    // The verb as users run it knows only the real kinds: a fake kind's folder is one error line
    // naming config.json and the kind, the exit code is 1, and the other models are still listed.
    [Test]
    public void A_folder_of_an_unknown_kind_is_an_error_line_after_the_others()
    {
        WriteTwoModels();
        string real = Path.Combine(SpeechFiles.RepositoryRoot, "models", "video-predict-mnist");
        string copy = Directory.CreateDirectory(Path.Combine(_models, "video")).FullName;
        foreach (var file in Directory.GetFiles(real))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        var run = CliRun.Invoke(["models", "--models-dir", _models]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        Assert.That(run.Out, Does.Contain("video next-frame").And.Contain("74.5k"));
        Assert.That(run.Out, Does.Not.Contain("caption-tiny").And.Not.Contain("speech-small"));
        var errors = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(errors, Has.Length.EqualTo(2), run.Error);
        Assert.That(errors[0], Does.StartWith($"error: {Path.Combine(_models, "caption-tiny")}: config.json: " +
            "unknown architecture.type 'test-rnn'; this program runs "));
        Assert.That(errors[1], Does.StartWith($"error: {Path.Combine(_models, "speech-small")}: config.json: "));
    }

    // An empty name (an unset shell variable) named the models folder itself, "not a model folder".
    [Test]
    public void An_empty_model_name_is_a_usage_error()
    {
        WriteTwoModels();

        var run = CliRun.Invoke(["models", "", "--models-dir", _models], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.Error);
        Assert.That(run.Error, Does.StartWith("error: the model name is empty"));
    }

    [Test]
    public void Lists_every_model_with_task_parameters_size_and_metric()
    {
        WriteTwoModels();

        var run = CliRun.Invoke(["models", "--models-dir", _models], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        var speech = Line(run.Out, "speech-small");
        var caption = Line(run.Out, "caption-tiny");
        Assert.That(speech, Does.Contain("speech-to-text").And.Contain("test-rnn").And.Contain("384")
            .And.Contain("wer 0.213"));
        Assert.That(caption, Does.Contain("image-captioning").And.Contain("1.5M")
            .And.Contain("BLEU-4 0.11 on Flickr8k test"));
        Assert.That(caption, Does.Contain("6.0 MB"), "1.5M float32 weights are about 6 MB");
        Assert.That(run.Out.IndexOf("caption-tiny", StringComparison.Ordinal),
            Is.LessThan(run.Out.IndexOf("speech-small", StringComparison.Ordinal)), "sorted by name");
    }

    // The size is what a verb loads: a training script, card, plot and checkpoints beside the weights
    // are not the model (a model trained with `train caption` was listed at 20 times its size).
    [Test]
    public void Size_leaves_out_the_card_and_the_scripts_beside_the_model()
    {
        WriteTwoModels();
        string caption = Path.Combine(_models, "caption-tiny");
        File.WriteAllText(Path.Combine(caption, "train.cs"), new string('x', 2_000_000));
        File.WriteAllText(Path.Combine(caption, "MODEL_CARD.md"), "# caption-tiny\n" + new string('y', 2_000_000));
        File.WriteAllBytes(Path.Combine(caption, "encoder.onnx"), new byte[1_000_000]);
        File.WriteAllBytes(Path.Combine(caption, "loss-curve.png"), new byte[3_000_000]);
        Directory.CreateDirectory(Path.Combine(caption, "checkpoints"));
        File.WriteAllBytes(Path.Combine(caption, "checkpoints", "checkpoint-00000010.safetensors"),
            new byte[5_000_000]);

        var run = CliRun.Invoke(["models", "--models-dir", _models], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(Line(run.Out, "caption-tiny"), Does.Contain("7.0 MB"), "6 MB of weights + 1 MB the model reads");
    }

    [Test]
    public void Finds_the_models_folder_from_the_environment_variable()
    {
        WriteTwoModels();

        var run = CliRun.Invoke(["models"], new Dictionary<string, string> { ["MULTIMODAL_MODELS"] = _models },
            modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain("speech-small"));
    }

    [Test]
    public void Option_wins_over_the_environment_variable()
    {
        WriteTwoModels();
        var other = _temp.Sub("other");

        var run = CliRun.Invoke(["models", "--models-dir", other],
            new Dictionary<string, string> { ["MULTIMODAL_MODELS"] = _models }, modules: FakeModels.Verbs);

        Assert.That(run.Out, Does.Contain("No models in"));
    }

    [Test]
    public void Finds_models_in_the_repository_root_above_the_executable()
    {
        WriteTwoModels();
        File.WriteAllText(Path.Combine(_temp.Path, "Multimodal.sln"), "");
        var exeFolder = _temp.Sub(Path.Combine("Multimodal.Cli", "bin", "Release", "net10.0"));

        var run = CliRun.Invoke(["models"], baseDirectory: exeFolder, modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain("caption-tiny"));
    }

    [Test]
    public void No_models_folder_says_so_and_succeeds()
    {
        var run = CliRun.Invoke(["models"], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(run.Out, Does.StartWith("No bundled models found"));
    }

    [Test]
    public void Empty_models_folder_says_so_and_succeeds()
    {
        var run = CliRun.Invoke(["models", "--models-dir", _models], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(run.Out.Trim(), Is.EqualTo($"No models in {_models}."));
    }

    [Test]
    public void Folders_with_none_of_a_models_files_are_not_listed_nor_problems()
    {
        Directory.CreateDirectory(Path.Combine(_models, "empty"));
        Directory.CreateDirectory(Path.Combine(_models, "training", "checkpoints"));

        var run = CliRun.Invoke(["models", "--models-dir", _models], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out.Trim(), Is.EqualTo($"No models in {_models}."));
        Assert.That(run.Error, Is.Empty);
    }

    [Test]
    public void A_folder_with_only_broken_models_does_not_say_it_has_none()
    {
        Directory.CreateDirectory(Path.Combine(_models, "half"));
        File.WriteAllText(Path.Combine(_models, "half", "config.json"), "{}");

        var run = CliRun.Invoke(["models", "--models-dir", _models], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Out.Trim(),
            Is.EqualTo($"No usable models in {_models}: 1 folder with problems, listed below."));
        Assert.That(run.Error, Does.Contain("half").And.Contain("not a model folder"));
    }

    [Test]
    public void Missing_models_folder_is_an_error_naming_it()
    {
        var missing = Path.Combine(_temp.Path, "nope");

        var run = CliRun.Invoke(["models", "--models-dir", missing], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error.Trim(),
            Is.EqualTo($"error: {missing}: models folder does not exist (from --models-dir)"));
    }

    [Test]
    public void Broken_model_is_reported_after_the_good_ones_and_fails()
    {
        WriteTwoModels();
        var broken = _temp.Sub(Path.Combine("models", "half-copied"));
        File.WriteAllText(Path.Combine(broken, "config.json"), "{}");

        var run = CliRun.Invoke(["models", "--models-dir", _models], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Out, Does.Contain("speech-small"));
        Assert.That(run.Error.Trim(), Is.EqualTo(
            $"error: {broken}: not a model folder: missing weights.safetensors, MODEL_CARD.md"));
    }

    // A config that transcribe would refuse (a field of the wrong type) is a problem here too,
    // not a model listed as usable (fresh-user trial: it was listed, and only transcribe said why).
    [Test]
    public void A_speech_model_whose_config_transcribe_would_refuse_is_reported()
    {
        var bad = _temp.Sub(Path.Combine("models", "digits-copy"));
        foreach (var file in new[] { "config.json", "weights.safetensors", "MODEL_CARD.md" })
        {
            File.Copy(Path.Combine(SpeechFiles.Model, file), Path.Combine(bad, file));
        }

        var configPath = Path.Combine(bad, "config.json");
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(configPath))!;
        config["preprocessing"]!["sample_rate"] = "sixteen";
        File.WriteAllText(configPath, config.ToJsonString());

        var run = CliRun.Invoke(["models", "--models-dir", _models], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error.Trim(), Does.StartWith($"error: {bad}: ")
            .And.Contain("\"preprocessing.sample_rate\" is \"sixteen\""));
    }

    [Test]
    public void Model_name_prints_its_card()
    {
        WriteTwoModels();

        var run = CliRun.Invoke(["models", "caption-tiny", "--models-dir", _models], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Is.EqualTo(File.ReadAllText(Path.Combine(_models, "caption-tiny", "MODEL_CARD.md"))));
    }

    [Test]
    public void Unknown_model_name_lists_the_available_ones()
    {
        WriteTwoModels();

        var run = CliRun.Invoke(["models", "nope", "--models-dir", _models], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error, Does.Contain("no such model; available: caption-tiny, speech-small"));
    }

    [Test]
    public void Model_name_may_not_be_a_path()
    {
        WriteTwoModels();

        var run = CliRun.Invoke(["models", "../models", "--models-dir", _models], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error, Does.Contain("not a path"));
    }

    [Test]
    public void Redirected_table_is_plain_ascii()
    {
        WriteTwoModels();

        var run = CliRun.Invoke(["models", "--models-dir", _models], modules: FakeModels.Verbs);

        Assert.That(run.Out.All(c => c < 128), Is.True, run.Out);
        Assert.That(run.Out, Does.Not.Contain("\u001b"), "no ANSI escapes in a pipe");
    }

    [TestCase(999, "999")]
    [TestCase(1_500, "1.5k")]
    [TestCase(2_340_000, "2.34M")]
    public void Parameter_counts_are_short(long n, string expected) =>
        Assert.That(ModelsCommand.Count(n), Is.EqualTo(expected));

    private static string Line(string text, string contains) =>
        text.Split('\n').Single(l => l.Contains(contains, StringComparison.Ordinal));

    [Test]
    public void Control_characters_from_config_do_not_reach_stdout()
    {
        using var temp = new TempFolder();
        FakeModels.Write(temp.Path, "m", "asr\u001b]0;pwned\u0007\u001b[2J\nsecond line",
            new Dictionary<string, int[]> { ["a"] = [2] }, new JsonObject { ["key_metric"] = "WER\u001b[31m 9%" });

        var run = CliRun.Invoke(["models", "--models-dir", temp.Path], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(0));
        Assert.That(run.Out, Does.Not.Contain("\u001b"));
        Assert.That(run.Out, Does.Not.Contain("\u0007"));
        Assert.That(run.Out, Does.Contain("second line"), "the newline collapses into the same cell line");
    }

    // A folder name is what the user types to show the card: its tab and escape character are
    // shown escaped (as error lines show file names), not turned into a space and a '?'.
    [Test]
    public void Folder_names_are_shown_escaped_in_the_table_and_the_hint()
    {
        using var temp = new TempFolder();
        FakeModels.Write(temp.Path, "evil\tname\u001b[31m", "t", new Dictionary<string, int[]> { ["a"] = [2] });

        var list = CliRun.Invoke(["models", "--models-dir", temp.Path], modules: FakeModels.Verbs);
        var missing = CliRun.Invoke(["models", "nope", "--models-dir", temp.Path], modules: FakeModels.Verbs);

        Assert.That(list.Out, Does.Contain("evil\\tname\\x1b[31m").And.Not.Contain("\u001b"));
        Assert.That(missing.Error, Does.EndWith("available: evil\\tname\\x1b[31m\n"));
    }

    [Test]
    public void A_long_task_is_cut_to_one_cell_with_an_ellipsis()
    {
        using var temp = new TempFolder();
        FakeModels.Write(temp.Path, "m", new string('t', 500), new Dictionary<string, int[]> { ["a"] = [2] });

        var run = CliRun.Invoke(["models", "--models-dir", temp.Path], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(0));
        Assert.That(run.Out, Does.Not.Contain(new string('t', 81)));
    }

    [Test]
    public void The_card_keeps_its_layout_but_not_escape_sequences()
    {
        using var temp = new TempFolder();
        FakeModels.Write(temp.Path, "m", "asr", new Dictionary<string, int[]> { ["a"] = [2] },
            card: "# m\n\n\tindented\u001b]0;pwned\u0007\n");

        var run = CliRun.Invoke(["models", "m", "--models-dir", temp.Path], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(0));
        Assert.That(run.Out, Is.EqualTo("# m\n\n\tindented?]0;pwned?\n"));
    }

    [Test]
    public void Control_characters_in_a_broken_model_do_not_reach_stderr()
    {
        using var temp = new TempFolder();
        var bad = FakeModels.Write(temp.Path, "bad", "asr", new Dictionary<string, int[]> { ["a"] = [2] });
        var header = System.Text.Encoding.ASCII.GetBytes(
            "{\"x\\u001b[2J\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,8]}}");
        using (var f = File.Create(Path.Combine(bad, "weights.safetensors")))
        {
            f.Write(BitConverter.GetBytes((ulong)header.Length));
            f.Write(header);
            f.Write(new byte[8]);
        }

        var run = CliRun.Invoke(["models", "--models-dir", temp.Path], modules: FakeModels.Verbs);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("tensor 'x?[2J'").And.Not.Contain("\u001b"));
    }
}
