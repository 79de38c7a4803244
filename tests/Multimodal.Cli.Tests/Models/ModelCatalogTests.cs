using System.Text.Json.Nodes;
using Multimodal.Cli.Models;
using Multimodal.Cli.Tests.Support;

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

    [Test]
    public void Counts_parameters_over_all_tensors()
    {
        var folder = FakeModels.Write(_temp.Path, "m", "t",
            new Dictionary<string, int[]> { ["a"] = [3, 4], ["b"] = [5] });

        var info = ModelCatalog.Load(folder);

        Assert.That(info.ParameterCount, Is.EqualTo(17));
        Assert.That(info.Architecture, Is.EqualTo("test-rnn"));
        Assert.That(info.SizeBytes, Is.EqualTo(new DirectoryInfo(folder).GetFiles().Sum(f => f.Length)));
    }

    [Test]
    public void Bad_config_json_is_a_problem_naming_the_file()
    {
        var folder = FakeModels.Write(_temp.Path, "m", "t", new Dictionary<string, int[]> { ["w"] = [1] });
        File.WriteAllText(Path.Combine(folder, "config.json"), "{ not json");

        var (models, problems) = ModelCatalog.Scan(_temp.Path);

        Assert.That(models, Is.Empty);
        Assert.That(problems.Single().Reason, Does.StartWith("config.json: "));
    }

    [Test]
    public void Config_of_another_format_is_a_problem()
    {
        var folder = FakeModels.Write(_temp.Path, "m", "t", new Dictionary<string, int[]> { ["w"] = [1] });
        File.WriteAllText(Path.Combine(folder, "config.json"), "{\"task\":\"x\"}");

        var (_, problems) = ModelCatalog.Scan(_temp.Path);

        Assert.That(problems.Single().Reason, Does.StartWith("config.json: ").And.Contain("format"));
    }

    [Test]
    public void Truncated_weights_are_a_problem_naming_the_file()
    {
        var folder = FakeModels.Write(_temp.Path, "m", "t", new Dictionary<string, int[]> { ["w"] = [4] });
        var weights = Path.Combine(folder, "weights.safetensors");
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..^4]);

        var (_, problems) = ModelCatalog.Scan(_temp.Path);

        Assert.That(problems.Single().Reason, Does.StartWith("weights.safetensors: "));
    }

    [Test]
    public void Missing_task_shows_as_a_question_mark()
    {
        var folder = FakeModels.Write(_temp.Path, "m", "t", new Dictionary<string, int[]> { ["w"] = [1] });
        var config = Rnn.Core.Serialization.ModelConfig.Read(Path.Combine(folder, "config.json"));
        config.Extra.Remove("task");
        config.Save(Path.Combine(folder, "config.json"));

        Assert.That(ModelCatalog.Load(folder).Task, Is.EqualTo("?"));
    }
}
