namespace Pipelines.Captioning.Metrics;

/// <summary>
/// CIDEr-D (Vedantam et al., 2015): for n = 1..4, each sentence is a tf-idf vector of its
/// n-grams, with document frequencies counted over the reference sets of the evaluated corpus
/// (idf = log(images / df)). Against each reference the candidate scores
/// exp(-(len_c - len_r)^2 / (2 * 6^2)) * sum(min(g_c, g_r) * g_r) / (|g_c| |g_r|), averaged over
/// the references; the four n are averaged and multiplied by 10. The Gaussian length penalty and
/// the clipping by min() are what the "-D" adds against gaming. Term frequencies are raw counts,
/// as in the authors' released code (the paper's division by the total count only rescales the
/// vectors). Returns the corpus mean.
/// </summary>
public static class CiderD
{
    private const int MaxN = 4;
    private const double Sigma = 6.0;

    /// <summary>Corpus CIDEr-D (mean over images; about 0..10, human captions score near 1).</summary>
    public static double Corpus(IReadOnlyList<IReadOnlyList<string>> candidates,
        IReadOnlyList<IReadOnlyList<IReadOnlyList<string>>> references)
    {
        if (candidates.Count != references.Count)
        {
            throw new ArgumentException($"{candidates.Count} candidates but {references.Count} reference sets");
        }

        if (candidates.Count == 0)
        {
            return 0;
        }

        var df = new Dictionary<string, int>[MaxN];
        for (int n = 1; n <= MaxN; n++)
        {
            df[n - 1] = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var refs in references)
            {
                foreach (var gram in refs.SelectMany(r => NGrams.Count(r, n).Keys).Distinct())
                {
                    df[n - 1][gram] = df[n - 1].GetValueOrDefault(gram) + 1;
                }
            }
        }

        double logImages = Math.Log(candidates.Count);
        double sum = 0;
        for (int i = 0; i < candidates.Count; i++)
        {
            sum += Score(candidates[i], references[i], df, logImages);
        }

        return sum / candidates.Count;
    }

    private static double Score(IReadOnlyList<string> candidate, IReadOnlyList<IReadOnlyList<string>> refs,
        Dictionary<string, int>[] df, double logImages)
    {
        double total = 0;
        for (int n = 1; n <= MaxN; n++)
        {
            var c = Vector(candidate, n, df[n - 1], logImages);
            double perN = 0;
            foreach (var r in refs)
            {
                var g = Vector(r, n, df[n - 1], logImages);
                double dot = 0;
                foreach (var (gram, value) in c.Weights)
                {
                    if (g.Weights.TryGetValue(gram, out double other))
                    {
                        dot += Math.Min(value, other) * other;
                    }
                }

                double cosine = c.Norm > 0 && g.Norm > 0 ? dot / (c.Norm * g.Norm) : 0;
                double delta = candidate.Count - r.Count;
                perN += cosine * Math.Exp(-(delta * delta) / (2 * Sigma * Sigma));
            }

            total += perN / refs.Count;
        }

        return total / MaxN * 10.0;
    }

    private static (Dictionary<string, double> Weights, double Norm) Vector(
        IReadOnlyList<string> tokens, int n, Dictionary<string, int> df, double logImages)
    {
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        double norm = 0;
        foreach (var (gram, count) in NGrams.Count(tokens, n))
        {
            // An n-gram in no reference has df 0; max(1, df) gives it the largest idf, as the reference code does.
            double w = count * (logImages - Math.Log(Math.Max(1, df.GetValueOrDefault(gram))));
            weights[gram] = w;
            norm += w * w;
        }

        return (weights, Math.Sqrt(norm));
    }
}
