using System.CommandLine;
using static Multimodal.Cli.Hosting.OptionBuilders;

namespace Multimodal.Cli.Commands.Captioning;

/// <summary>Option builders shared by the caption verbs (ranges are checked with the bad value in the error).</summary>
internal static class CaptionOptions
{
    /// <summary>--beam K (1 is greedy).</summary>
    public static Option<int> Beam() => Count("--beam", "Beam width (1: greedy)", 3, 1, 100);

    /// <summary>--length-penalty alpha.</summary>
    public static Option<double> LengthPenalty() =>
        Number("--length-penalty", "Length normalisation alpha: score = logp / ((5+len)/6)^alpha", 0.7, 0, 5);

    /// <summary>--block-trigrams.</summary>
    public static Option<bool> BlockTrigrams() =>
        new("--block-trigrams") { Description = "Never repeat a trigram within a caption" };
}
