namespace Pipelines.Captioning.Metrics;

/// <summary>
/// Corpus BLEU (Papineni et al., 2002): modified n-gram precisions with counts clipped by the
/// most any one reference has, summed over the whole corpus before dividing; BLEU-N is the
/// geometric mean of p1..pN times the brevity penalty exp(1 - r/c) when the total candidate
/// length c is below the effective reference length r (for each sentence the reference length
/// closest to its candidate, the shorter on ties). No smoothing: a corpus with no matching
/// 4-gram scores 0 for BLEU-4.
/// </summary>
public static class Bleu
{
    /// <summary>BLEU-1..BLEU-4 of the corpus, each in [0, 1].</summary>
    /// <param name="candidates">One token list per image.</param>
    /// <param name="references">The reference token lists of each image (same order).</param>
    public static double[] Corpus(IReadOnlyList<IReadOnlyList<string>> candidates,
        IReadOnlyList<IReadOnlyList<IReadOnlyList<string>>> references)
    {
        if (candidates.Count != references.Count)
        {
            throw new ArgumentException($"{candidates.Count} candidates but {references.Count} reference sets");
        }

        const int maxN = 4;
        var matched = new long[maxN];
        var total = new long[maxN];
        long candidateLength = 0;
        long referenceLength = 0;
        for (int i = 0; i < candidates.Count; i++)
        {
            var c = candidates[i];
            var refs = references[i];
            if (refs.Count == 0)
            {
                throw new ArgumentException($"image {i} has no reference captions");
            }

            candidateLength += c.Count;
            referenceLength += refs.Select(r => r.Count)
                .OrderBy(len => Math.Abs(len - c.Count)).ThenBy(len => len).First();
            for (int n = 1; n <= maxN; n++)
            {
                var counts = NGrams.Count(c, n);
                var maxRef = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var r in refs)
                {
                    foreach (var (gram, count) in NGrams.Count(r, n))
                    {
                        maxRef[gram] = Math.Max(maxRef.GetValueOrDefault(gram), count);
                    }
                }

                foreach (var (gram, count) in counts)
                {
                    matched[n - 1] += Math.Min(count, maxRef.GetValueOrDefault(gram));
                }

                total[n - 1] += Math.Max(0, c.Count - n + 1);
            }
        }

        double brevity = candidateLength == 0 ? 0
            : candidateLength >= referenceLength ? 1 : Math.Exp(1 - (double)referenceLength / candidateLength);
        var scores = new double[maxN];
        double logSum = 0;
        for (int n = 1; n <= maxN; n++)
        {
            double p = total[n - 1] == 0 ? 0 : (double)matched[n - 1] / total[n - 1];
            logSum += p > 0 ? Math.Log(p) : double.NegativeInfinity;
            scores[n - 1] = double.IsNegativeInfinity(logSum) ? 0 : brevity * Math.Exp(logSum / n);
        }

        return scores;
    }
}
