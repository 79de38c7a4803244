using System.Text.Json.Nodes;
using Multimodal.Cli.Commands;
using Multimodal.Cli.Models;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Commands;

/// <summary>The card a train verb writes (the verbs' own tests run them end to end).</summary>
[TestFixture]
public sealed class TrainedModelCardTests
{
    private static readonly DateTimeOffset Saved = new(2026, 1, 2, 3, 4, 59, TimeSpan.Zero);

    private static TrainedModelCard Card(string? metric, bool newWeights = true) => new("speech", "/data/my-model/")
    {
        Data = "manifest `train.tsv`",
        Items = "4 training, 2 validation utterances",
        Epochs = "1 of 1 epochs, 2 steps",
        KeyMetric = metric,
        NewWeights = newWeights,
    };

    [Test]
    public void The_key_metric_line_is_the_one_models_reads()
    {
        string text = Card("valid WER 50.00% CER 25.00%").Text("multimodal train speech", 10725, Saved);

        Assert.That(ModelCatalog.KeyMetric(new JsonObject(), text), Is.EqualTo("valid WER 50.00% CER 25.00%"));
        Assert.That(text.Split('\n')[0], Does.StartWith(TrainedModelCard.Marker).And.EndWith("-->"));
        Assert.That(text.Split('\n')[1], Is.EqualTo("# my-model: trained by `multimodal train speech`"));
        Assert.That(text, Does.Contain("- parameters: 10,725\n").And.Contain("- date: 2026-01-02 03:04 UTC\n"));
    }

    // "Key metric: none" would be listed as if it were a figure; the listing shows "-" instead.
    [TestCase(true, "No key metric: the run had no validation set")]
    [TestCase(false, "No key metric: this run resumed a finished run and printed no validation figures")]
    public void Without_figures_the_card_says_why_and_names_no_key_metric(bool newWeights, string line)
    {
        string text = Card(null, newWeights).Text("multimodal train speech", 1, Saved);

        Assert.That(text, Does.Contain(line + "\n"));
        Assert.That(ModelCatalog.KeyMetric(new JsonObject(), text), Is.Null);
    }

    [Test]
    public void Arguments_a_shell_would_split_or_expand_are_single_quoted()
    {
        string line = TrainedModelCard.CommandLine(
            ["train", "speech", "--out", "my model", "--manifest", "it's.tsv", "--valid", "", "--lr", "2e-3"]);

        Assert.That(line, Is.EqualTo(
            @"multimodal train speech --out 'my model' --manifest 'it'\''s.tsv' --valid '' --lr 2e-3"));
    }

    [Test]
    public void The_commands_of_a_resumed_run_read_back_in_order()
    {
        string one = Card("x").Text("multimodal train speech --epochs 2", 1, Saved);
        string two = Card("x").Text("multimodal train speech --epochs 2\nmultimodal train speech --epochs 4 --resume",
            1, Saved);

        Assert.That(TrainedModelCard.CommandsIn(one), Is.EqualTo(new[] { "multimodal train speech --epochs 2" }));
        Assert.That(one, Does.Not.Contain("resumed it"));
        Assert.That(TrainedModelCard.CommandsIn(two), Is.EqualTo(new[]
        {
            "multimodal train speech --epochs 2", "multimodal train speech --epochs 4 --resume",
        }));
        Assert.That(two,
            Does.Contain("```\n\nThe first command started the training; each one after it resumed it.\n"));
        Assert.That(TrainedModelCard.CommandsIn("# a card by hand\n"), Is.Empty);
    }

    [Test]
    public void Only_a_card_opening_with_the_marker_counts_as_generated()
    {
        using var temp = new TempFolder();
        string generated = Path.Combine(temp.Path, "generated.md");
        string byHand = Path.Combine(temp.Path, "by-hand.md");
        File.WriteAllText(generated, Card("x").Text("multimodal train speech", 1, Saved));
        File.WriteAllText(byHand, "# my-model\n\n" + TrainedModelCard.Marker + " speech -->\n");

        Assert.That(TrainedModelCard.IsGenerated(generated), Is.True);
        Assert.That(TrainedModelCard.IsGenerated(byHand), Is.False, "the marker counts on the first line only");
        Assert.That(TrainedModelCard.IsGenerated(Path.Combine(temp.Path, "none.md")), Is.False);
    }
}
