using System.CommandLine;
using static Multimodal.Cli.Hosting.OptionBuilders;

namespace Multimodal.Cli.Commands.Captioning;

/// <summary>Option builders shared by the caption verbs (ranges are checked with the bad value in the error).</summary>
internal static class CaptionOptions
{
    /// <summary>
    /// --beam K; 0 and 1 are greedy, as in <c>transcribe --beam</c>. Read it with
    /// <see cref="BeamWidth"/>: the decoder's smallest width, 1, is its greedy search.
    /// </summary>
    public static Option<int> Beam() => Count("--beam", "Beam width (0 or 1: greedy)", 3, 0, 100);

    /// <summary>The decoder's beam width for a --beam value (0, greedy, is width 1).</summary>
    public static int BeamWidth(int beam) => Math.Max(beam, 1);

    /// <summary>--length-penalty alpha.</summary>
    public static Option<double> LengthPenalty() =>
        Number("--length-penalty", "Length normalisation alpha: score = logp / ((5+len)/6)^alpha", 0.7, 0, 5);

    /// <summary>--block-trigrams.</summary>
    public static Option<bool> BlockTrigrams() =>
        new("--block-trigrams") { Description = "Never repeat a trigram within a caption" };
}
