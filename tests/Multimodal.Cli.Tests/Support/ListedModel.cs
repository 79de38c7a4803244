using Multimodal.Cli.Hosting;

namespace Multimodal.Cli.Tests.Support;

/// <summary>What <c>multimodal models</c> says of a models folder holding one model a train verb wrote.</summary>
/// <param name="Name">The Name cell.</param>
/// <param name="Task">The Task cell.</param>
/// <param name="KeyMetric">The Key metric cell, its wrapped lines joined by spaces.</param>
/// <param name="Card">What <c>models NAME</c> printed.</param>
internal sealed record ListedModel(string Name, string Task, string KeyMetric, string Card)
{
    /// <summary>
    /// Runs <c>models --models-dir PARENT</c> and <c>models NAME --models-dir PARENT</c>, asserting both
    /// succeed and the listing has one model.
    /// </summary>
    public static ListedModel Of(string parent, string name)
    {
        var list = CliRun.Invoke(["models", "--models-dir", parent]);
        var show = CliRun.Invoke(["models", name, "--models-dir", parent]);

        Assert.That(list.ExitCode, Is.EqualTo(ExitCodes.Success), list.Error + list.Out);
        Assert.That(show.ExitCode, Is.EqualTo(ExitCodes.Success), show.Error);
        // The ASCII table of a redirected listing: a header row, a rule, then the model's rows (a long
        // cell wraps onto more rows, the other cells empty).
        var rows = list.Out.Split('\n').Where(l => l.StartsWith('|')).Skip(2)
            .Select(l => l.Split('|')).ToArray();
        Assert.That(rows, Is.Not.Empty, list.Out);
        Assert.That(rows.Skip(1).All(r => r[1].Trim().Length == 0), Is.True, "one model: " + list.Out);
        string metric = string.Join(" ", rows.Select(r => r[^2].Trim()).Where(t => t.Length > 0));
        return new ListedModel(rows[0][1].Trim(), rows[0][2].Trim(), metric, show.Out);
    }
}
