using Pipelines.Speech.Decoding;

namespace Pipelines.Speech.Tests.Decoding;

public sealed class CtcSequenceScoreTests
{
    [Test]
    public void LogLikelihoodIsTheSumOverEveryAlignmentByBruteForce()
    {
        // 4 frames, 3 classes (blank 0), random rows: enumerate all 3^4 paths and sum those that
        // collapse to each label sequence.
        var rng = new Random(21);
        const int time = 4, vocab = 3;
        var values = new float[time * vocab];
        for (int t = 0; t < time; t++)
        {
            var raw = Enumerable.Range(0, vocab).Select(_ => rng.NextDouble() + 0.05).ToArray();
            for (int k = 0; k < vocab; k++) values[t * vocab + k] = (float)Math.Log(raw[k] / raw.Sum());
        }

        var matrix = new LogProbMatrix(values, time, vocab);
        int[][] sequences = [[], [1], [2], [1, 2], [1, 1], [2, 1, 2], [1, 1, 1]];
        foreach (var labels in sequences)
        {
            double expected = 0;
            for (int path = 0; path < 81; path++)
            {
                var tokens = new int[time];
                double p = 1;
                for (int t = 0, rest = path; t < time; t++, rest /= vocab)
                {
                    tokens[t] = rest % vocab;
                    p *= Math.Exp(values[t * vocab + tokens[t]]);
                }

                if (Collapse(tokens).SequenceEqual(labels)) expected += p;
            }

            double score = CtcSequenceScore.LogLikelihood(matrix, labels, 0);
            string name = $"[{string.Join(",", labels)}]";
            if (expected == 0) Assert.That(score, Is.EqualTo(double.NegativeInfinity), name);
            else Assert.That(score, Is.EqualTo(Math.Log(expected)).Within(1e-5), name);
        }
    }

    [Test]
    public void BlankAndOutOfRangeLabelsAreRefused()
    {
        var matrix = new LogProbMatrix(new float[6], 2, 3);
        Assert.Throws<ArgumentException>(() => CtcSequenceScore.LogLikelihood(matrix, [0], 0));
        Assert.Throws<ArgumentException>(() => CtcSequenceScore.LogLikelihood(matrix, [3], 0));
    }

    private static List<int> Collapse(int[] tokens)
    {
        var result = new List<int>();
        for (int t = 0; t < tokens.Length; t++)
        {
            if (tokens[t] != 0 && (t == 0 || tokens[t] != tokens[t - 1])) result.Add(tokens[t]);
        }

        return result;
    }
}
