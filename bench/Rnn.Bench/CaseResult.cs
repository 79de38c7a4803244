using System.Globalization;

namespace Rnn.Bench;

/// <summary>A peer's figure in one case: its median, or why it has none.</summary>
internal sealed record PeerFigure(string Name, double? Ms, string? Missing = null);

/// <summary>
/// One case's outcome: our median, each peer's, and free-form figures (GFLOP/s, % of peak,
/// bytes per step) for the table.
/// </summary>
internal sealed record CaseResult(string Case, double OursMs, IReadOnlyList<PeerFigure> Peers, string Notes)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// The machine-readable lines, one per peer:
    /// BENCH case ours_ms=.. peer=.. peer_ms=.. ratio=peer_ms/ours_ms ("-" where there is none).
    /// </summary>
    public IEnumerable<string> BenchLines()
    {
        var peers = Peers.Count > 0 ? Peers : new[] { new PeerFigure("none", null) };
        foreach (var p in peers)
        {
            string ms = p.Ms is { } v ? v.ToString("0.000", Inv) : "-";
            string ratio = p.Ms is { } w ? (w / OursMs).ToString("0.000", Inv) : "-";
            string ours = OursMs.ToString("0.000", Inv);
            yield return $"BENCH {Case} ours_ms={ours} peer={p.Name} peer_ms={ms} ratio={ratio}";
        }
    }

    /// <summary>Markdown table rows, one per peer (the case and our time on the first).</summary>
    public IEnumerable<string> TableRows()
    {
        var peers = Peers.Count > 0 ? Peers : new[] { new PeerFigure("none", null) };
        bool first = true;
        foreach (var p in peers)
        {
            string ms = p.Ms is { } v ? v.ToString("0.00", Inv) : p.Missing is null ? "-" : "unavailable";
            string ratio = p.Ms is { } w ? (w / OursMs).ToString("0.00", Inv) : "-";
            string ours = first ? OursMs.ToString("0.00", Inv) : "";
            yield return $"| {(first ? Case : "")} | {ours} | {p.Name} | {ms} | {ratio} | {(first ? Notes : "")} |";
            first = false;
        }
    }

    public const string TableHeader =
        "| case | ours ms | peer | peer ms | ratio (peer/ours) | notes |\n| --- | ---: | --- | ---: | ---: | --- |";
}
