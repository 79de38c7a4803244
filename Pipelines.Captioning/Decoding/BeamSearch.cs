using Pipelines.Captioning.Model;
using Pipelines.Captioning.Text;
using Rnn.Core;
using Rnn.Core.Autograd;

namespace Pipelines.Captioning.Decoding;

/// <summary>
/// Beam search over a <see cref="CaptionModel"/> (width 1 is greedy decoding). The K live
/// hypotheses of one image run as one batch of K rows; each step extends every hypothesis by
/// every word, keeps the K best by total log-probability, and sets aside those that chose
/// &lt;end&gt;. &lt;pad&gt;, &lt;start&gt; and &lt;unk&gt; are never generated. The search stops when K
/// captions are finished or at the maximum length; the finished caption with the best
/// length-normalised score wins.
/// </summary>
public static class BeamSearch
{
    /// <summary>Captions for each row of <paramref name="features"/> ([images, FeatureSize]).</summary>
    public static GeneratedCaption[] Run(CaptionModel model, Tensor features, BeamSearchOptions? options = null)
    {
        options ??= new BeamSearchOptions();
        options.Validate();
        using var noGrad = Tape.NoGrad();
        int images = features.Dim(0);
        var result = new GeneratedCaption[images];
        for (int i = 0; i < images; i++)
        {
            var row = Ops.Slice(features, 0, i, 1);   // [1, features]
            result[i] = One(model, row, options);
        }

        return result;
    }

    private static GeneratedCaption One(CaptionModel model, Tensor features, BeamSearchOptions o)
    {
        var vocab = model.Config.Vocabulary;
        int k = o.BeamWidth;
        int maxLength = o.MaxLength ?? model.Config.MaxLength;
        var state = model.Begin(features);
        var beams = new List<Hypothesis> { new([], 0.0) };
        var finished = new List<GeneratedCaption>();
        int[] last = [Vocabulary.Start];

        for (int step = 0; step <= maxLength && beams.Count > 0; step++)
        {
            var (logits, next) = model.Step(last, state);   // [beams, vocab]
            var logProbs = Ops.LogSoftmax(logits).ToArray();
            int v = vocab.Count;
            var candidates = new List<(double Score, int Beam, int Word)>(beams.Count * (k + 1));
            for (int b = 0; b < beams.Count; b++)
            {
                var row = logProbs.AsSpan(b * v, v);
                var h = beams[b];
                foreach (int w in TopWords(row, k + 1, step == maxLength))
                {
                    if (o.BlockRepeatedTrigrams && RepeatsTrigram(h.Words, w))
                    {
                        continue;
                    }

                    candidates.Add((h.LogProbability + row[w], b, w));
                }
            }

            candidates.Sort((x, y) => y.Score.CompareTo(x.Score));
            var kept = new List<Hypothesis>();
            var rows = new List<int>();
            // Walk the candidates best first until K live ones are kept; an <end> ranked above the
            // K-th live hypothesis finishes a caption.
            foreach (var (score, b, w) in candidates)
            {
                if (kept.Count == k)
                {
                    break;
                }

                if (w == Vocabulary.End)
                {
                    var words = beams[b].Words.Select(vocab.Word).ToArray();
                    finished.Add(new GeneratedCaption(words, score, Normalise(score, words.Length, o.LengthPenalty)));
                }
                else
                {
                    kept.Add(new Hypothesis([.. beams[b].Words, w], score));
                    rows.Add(b);
                }
            }

            if (finished.Count >= k || kept.Count == 0)
            {
                break;
            }

            beams = kept;
            state = next.Select(rows.ToArray());
            last = kept.Select(h => h.Words[^1]).ToArray();
        }

        if (finished.Count == 0)
        {
            // Only when maxLength is hit with <end> blocked everywhere; return the best live hypothesis.
            var best = beams.MaxBy(h => h.LogProbability)!;
            var words = best.Words.Select(vocab.Word).ToArray();
            double score = Normalise(best.LogProbability, words.Length, o.LengthPenalty);
            return new GeneratedCaption(words, best.LogProbability, score);
        }

        return finished.MaxBy(c => c.Score)!;
    }

    // The best n words of a row, never <pad>/<start>/<unk>; at the last step only <end> may be chosen.
    private static IEnumerable<int> TopWords(ReadOnlySpan<float> row, int n, bool endOnly)
    {
        if (endOnly)
        {
            return [Vocabulary.End];
        }

        var best = new List<(float Score, int Word)>(n + 1);
        for (int w = Vocabulary.End; w < row.Length; w++)
        {
            if (w == Vocabulary.Unknown)
            {
                continue;
            }

            float s = row[w];
            if (best.Count == n && s <= best[^1].Score)
            {
                continue;
            }

            int at = best.FindIndex(x => x.Score < s);
            best.Insert(at < 0 ? best.Count : at, (s, w));
            if (best.Count > n)
            {
                best.RemoveAt(n);
            }
        }

        return best.Select(x => x.Word).ToArray();
    }

    private static bool RepeatsTrigram(IReadOnlyList<int> words, int next)
    {
        int n = words.Count;
        if (n < 2)
        {
            return false;
        }

        for (int i = 0; i + 2 < n; i++)
        {
            if (words[i] == words[n - 2] && words[i + 1] == words[n - 1] && words[i + 2] == next)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Wu et al. (2016) length normalisation: logp / ((5 + length) / 6)^alpha.</summary>
    internal static double Normalise(double logProbability, int length, float alpha) =>
        alpha == 0f ? logProbability : logProbability / Math.Pow((5.0 + length) / 6.0, alpha);

    private sealed record Hypothesis(int[] Words, double LogProbability);
}
