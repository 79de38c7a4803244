using System.Text.Json;
using Multimodal.Cli.Models;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Models;

[TestFixture]
public sealed class ModelCatalogTests
{
    [Test]
    public void Key_metric_prefers_config_key_metric_then_metrics_then_the_card()
    {
        const string card = "# m\n\nKey metric: CER 9.9%\n";
        using var both = JsonDocument.Parse("{\"key_metric\":\"WER 20%\",\"metrics\":{\"wer\":0.3}}");
        using var metrics = JsonDocument.Parse("{\"metrics\":{\"ssim\":0.8123456}}");
        using var none = JsonDocument.Parse("{}");

        Assert.That(ModelCatalog.KeyMetric(both.RootElement, card), Is.EqualTo("WER 20%"));
        Assert.That(ModelCatalog.KeyMetric(metrics.RootElement, card), Is.EqualTo("ssim 0.8123"));
        Assert.That(ModelCatalog.KeyMetric(none.RootElement, card), Is.EqualTo("CER 9.9%"));
        Assert.That(ModelCatalog.KeyMetric(none.RootElement, "# m\n"), Is.Null);
    }

    [Test]
    public void Bad_config_json_is_a_problem_naming_the_file()
    {
        using var temp = new TempFolder();
        var folder = FakeModels.Write(temp.Path, "m", "t", new Dictionary<string, int[]> { ["w"] = [1] });
        File.WriteAllText(Path.Combine(folder, "config.json"), "{ not json");

        var (models, problems) = ModelCatalog.Scan(temp.Path);

        Assert.That(models, Is.Empty);
        Assert.That(problems.Single().Reason, Does.StartWith("config.json is not valid JSON"));
    }

    [Test]
    public void Bad_weights_are_a_problem_naming_the_file()
    {
        using var temp = new TempFolder();
        var folder = FakeModels.Write(temp.Path, "m", "t", new Dictionary<string, int[]> { ["w"] = [1] });
        File.WriteAllBytes(Path.Combine(folder, "weights.safetensors"), [0]);

        var (_, problems) = ModelCatalog.Scan(temp.Path);

        Assert.That(problems.Single().Reason, Does.StartWith("weights.safetensors: "));
    }

    [Test]
    public void Missing_task_shows_as_a_question_mark()
    {
        using var temp = new TempFolder();
        var folder = FakeModels.Write(temp.Path, "m", "t", new Dictionary<string, int[]> { ["w"] = [1] });
        File.WriteAllText(Path.Combine(folder, "config.json"), "{\"architecture\":\"x\"}");

        Assert.That(ModelCatalog.Load(folder).Task, Is.EqualTo("?"));
    }
}
