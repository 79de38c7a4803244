using Pipelines.Captioning.Text;

namespace Pipelines.Captioning.Metrics;

/// <summary>BLEU-1..4 and CIDEr-D of generated captions against the human ones.</summary>
/// <param name="Bleu1">Corpus BLEU-1.</param>
/// <param name="Bleu2">Corpus BLEU-2.</param>
/// <param name="Bleu3">Corpus BLEU-3.</param>
/// <param name="Bleu4">Corpus BLEU-4.</param>
/// <param name="CiderD">Corpus CIDEr-D.</param>
/// <param name="Images">Images scored.</param>
public sealed record CaptionScores(double Bleu1, double Bleu2, double Bleu3, double Bleu4, double CiderD, int Images)
{
    /// <summary>Scores raw caption strings (both sides tokenized by <see cref="CaptionTokenizer"/>).</summary>
    public static CaptionScores Compute(IReadOnlyList<string> generated, IReadOnlyList<IReadOnlyList<string>> humans)
    {
        var c = generated.Select(g => (IReadOnlyList<string>)CaptionTokenizer.Tokenize(g)).ToArray();
        var r = humans.Select(h => (IReadOnlyList<IReadOnlyList<string>>)h
            .Select(s => (IReadOnlyList<string>)CaptionTokenizer.Tokenize(s)).ToArray()).ToArray();
        var bleu = Bleu.Corpus(c, r);
        return new CaptionScores(bleu[0], bleu[1], bleu[2], bleu[3], Metrics.CiderD.Corpus(c, r), c.Length);
    }
}
