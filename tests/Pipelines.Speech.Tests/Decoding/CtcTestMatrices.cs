using Pipelines.Speech.Decoding;

namespace Pipelines.Speech.Tests.Decoding;

/// <summary>Builds log-probability matrices for the decoder tests and computes exact references.</summary>
internal static class CtcTestMatrices
{
    /// <summary>
    /// Rows given as (token, probability) of the frame's dominant token; the rest of the mass is
    /// shared evenly by the other tokens.
    /// </summary>
    public static LogProbMatrix Peaks(int vocab, params (int Token, double P)[] frames)
    {
        var values = new float[frames.Length * vocab];   // [time, vocab]
        for (int t = 0; t < frames.Length; t++)
        {
            double rest = (1 - frames[t].P) / (vocab - 1);
            for (int v = 0; v < vocab; v++)
            {
                values[t * vocab + v] = (float)Math.Log(v == frames[t].Token ? frames[t].P : rest);
            }
        }

        return new LogProbMatrix(values, frames.Length, vocab);
    }

    /// <summary>Rows given as full probability vectors (normalised here).</summary>
    public static LogProbMatrix FromProbabilities(params double[][] rows)
    {
        int vocab = rows[0].Length;
        var values = new float[rows.Length * vocab];   // [time, vocab]
        for (int t = 0; t < rows.Length; t++)
        {
            double sum = rows[t].Sum();
            for (int v = 0; v < vocab; v++)
            {
                values[t * vocab + v] = (float)Math.Log(rows[t][v] / sum);
            }
        }

        return new LogProbMatrix(values, rows.Length, vocab);
    }

    /// <summary>Log-softmax of Gaussian logits times <paramref name="sharpness"/> (larger: peakier).</summary>
    public static LogProbMatrix Random(int seed, int time, int vocab, double sharpness)
    {
        var rng = new Random(seed);
        var values = new float[time * vocab];   // [time, vocab]
        var logits = new double[vocab];
        for (int t = 0; t < time; t++)
        {
            for (int v = 0; v < vocab; v++)
            {
                // Box-Muller: a standard normal from two uniforms.
                double radius = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble()));
                logits[v] = sharpness * radius * Math.Cos(2 * Math.PI * rng.NextDouble());
            }

            double max = logits.Max();
            double logSum = max + Math.Log(logits.Sum(l => Math.Exp(l - max)));
            for (int v = 0; v < vocab; v++)
            {
                values[t * vocab + v] = (float)(logits[v] - logSum);
            }
        }

        return new LogProbMatrix(values, time, vocab);
    }

    /// <summary>
    /// Every labelling's exact probability, summed over all vocab^time frame paths (tiny cases
    /// only): the definition of the CTC labelling probability, independent of any recursion.
    /// </summary>
    public static Dictionary<string, double> AllLabellings(LogProbMatrix m, int blank)
    {
        var result = new Dictionary<string, double>();
        var path = new int[m.Time];
        long count = (long)Math.Pow(m.Vocab, m.Time);
        for (long code = 0; code < count; code++)
        {
            long rest = code;
            double logP = 0;
            for (int t = 0; t < m.Time; t++)
            {
                path[t] = (int)(rest % m.Vocab);
                rest /= m.Vocab;
                logP += m[t, path[t]];
            }

            string key = Key(Collapse(path, blank));
            result[key] = result.GetValueOrDefault(key) + Math.Exp(logP);
        }

        return result;
    }

    /// <summary>The most probable single path that collapses to <paramref name="labels"/> (brute force).</summary>
    public static double BestPathLogProb(LogProbMatrix m, int[] labels, int blank)
    {
        double best = double.NegativeInfinity;
        var path = new int[m.Time];
        long count = (long)Math.Pow(m.Vocab, m.Time);
        string target = Key(labels);
        for (long code = 0; code < count; code++)
        {
            long rest = code;
            double logP = 0;
            for (int t = 0; t < m.Time; t++)
            {
                path[t] = (int)(rest % m.Vocab);
                rest /= m.Vocab;
                logP += m[t, path[t]];
            }

            if (logP > best && Key(Collapse(path, blank)) == target)
            {
                best = logP;
            }
        }

        return best;
    }

    public static int[] Collapse(int[] path, int blank)
    {
        var labels = new List<int>();
        int previous = blank;
        foreach (int token in path)
        {
            if (token != blank && token != previous)
            {
                labels.Add(token);
            }

            previous = token;
        }

        return labels.ToArray();
    }

    public static string Key(IEnumerable<int> labels) => string.Join(",", labels);
}
