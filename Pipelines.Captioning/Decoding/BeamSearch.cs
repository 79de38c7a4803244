using Pipelines.Captioning.Model;
using Pipelines.Captioning.Text;
using Rnn.Core;
using Rnn.Core.Autograd;

namespace Pipelines.Captioning.Decoding;

/// <summary>
/// Beam search over a <see cref="CaptionModel"/> (width 1 is greedy decoding). The live
/// hypotheses of every image of the call run as one batch (images x up to K rows), so the weight
/// matrices are streamed once per step for all of them; each step extends every hypothesis by
/// every word, keeps each image's K best by total log-probability, and sets aside those that chose
/// &lt;end&gt;. &lt;pad&gt;, &lt;start&gt; and &lt;unk&gt; are never generated. An image is done when
/// K captions are finished or at the maximum length; its finished caption with the best
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
        int maxLength = options.MaxLength ?? model.Config.MaxLength;
        var searches = Enumerable.Range(0, images).Select(i => new ImageSearch(i)).ToArray();
        var state = model.Begin(features);   // one row per image
        int[] last = Enumerable.Repeat(Vocabulary.Start, images).ToArray();
        for (int step = 0; step <= maxLength && last.Length > 0; step++)
        {
            var (logits, next) = model.Step(last, state);   // [rows, vocab]
            var logProbs = Ops.LogSoftmax(logits).ToArray();
            var rows = new List<int>();
            var words = new List<int>();
            foreach (var search in searches.Where(s => !s.Done))
            {
                search.Advance(logProbs, model.Config.Vocabulary, options, step == maxLength, rows, words);
            }

            if (rows.Count == 0)
            {
                break;
            }

            state = next.Select(rows.ToArray());
            last = words.ToArray();
        }

        return searches.Select(s => s.Best(model.Config.Vocabulary, options.LengthPenalty)).ToArray();
    }

    // One image's beam: its live hypotheses (each with its row in the batch) and finished captions.
    private sealed class ImageSearch(int row)
    {
        private List<Hypothesis> beams = [new([], 0.0, row)];
        private readonly List<GeneratedCaption> finished = [];

        public bool Done { get; private set; }

        public void Advance(float[] logProbs, Vocabulary vocab, BeamSearchOptions o, bool endOnly,
            List<int> rows, List<int> words)
        {
            int k = o.BeamWidth;
            int v = vocab.Count;
            var candidates = new List<(double Score, Hypothesis From, int Word)>(beams.Count * (k + 1));
            foreach (var h in beams)
            {
                var logp = logProbs.AsSpan(h.Row * v, v);
                foreach (int w in TopWords(logp, k + 1, endOnly))
                {
                    if (!(o.BlockRepeatedTrigrams && RepeatsTrigram(h.Words, w)))
                    {
                        candidates.Add((h.LogProbability + logp[w], h, w));
                    }
                }
            }

            candidates.Sort((x, y) => y.Score.CompareTo(x.Score));
            var kept = new List<(int[] Words, double Score, int ParentRow)>();

            // Walk the candidates best first until K live ones are kept; an <end> ranked above the
            // K-th live hypothesis finishes a caption.
            foreach (var (score, from, w) in candidates)
            {
                if (kept.Count == k)
                {
                    break;
                }

                if (w == Vocabulary.End)
                {
                    var text = from.Words.Select(vocab.Word).ToArray();
                    finished.Add(new GeneratedCaption(text, score, Normalise(score, text.Length, o.LengthPenalty)));
                }
                else
                {
                    kept.Add(([.. from.Words, w], score, from.Row));
                }
            }

            Done = finished.Count >= k || kept.Count == 0;
            if (Done)
            {
                return;
            }

            beams = [];
            foreach (var (keptWords, score, parent) in kept)
            {
                beams.Add(new Hypothesis(keptWords, score, rows.Count));
                rows.Add(parent);
                words.Add(keptWords[^1]);
            }
        }

        public GeneratedCaption Best(Vocabulary vocab, float alpha)
        {
            if (finished.Count > 0)
            {
                return finished.MaxBy(c => c.Score)!;
            }

            // Only when the maximum length is reached with <end> never ranked high enough.
            var best = beams.MaxBy(h => h.LogProbability)!;
            var text = best.Words.Select(vocab.Word).ToArray();
            return new GeneratedCaption(text, best.LogProbability, Normalise(best.LogProbability, text.Length, alpha));
        }
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

    private sealed record Hypothesis(int[] Words, double LogProbability, int Row);
}
