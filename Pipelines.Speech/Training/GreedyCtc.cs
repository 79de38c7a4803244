namespace Pipelines.Speech.Training;

/// <summary>
/// Best-path CTC decoding for validation: the argmax token of each frame, repeats merged,
/// blanks dropped. The full decoders (prefix beam, lexicon, timestamps) live in Decoding/.
/// </summary>
internal static class GreedyCtc
{
    /// <summary>Collapses the argmax path of <paramref name="frames"/> rows of <paramref name="scores"/>.</summary>
    /// <param name="scores">[time, vocab] logits or log-probabilities (argmax is the same).</param>
    /// <param name="frames">Real frames to read.</param>
    /// <param name="vocab">Tokens per frame.</param>
    /// <param name="blank">Blank index.</param>
    public static int[] Collapse(ReadOnlySpan<float> scores, int frames, int vocab, int blank)
    {
        var result = new List<int>();
        int previous = -1;
        for (int t = 0; t < frames; t++)
        {
            var row = scores.Slice(t * vocab, vocab);
            int best = 0;
            for (int k = 1; k < vocab; k++)
            {
                if (row[k] > row[best])
                {
                    best = k;
                }
            }

            if (best != previous && best != blank)
            {
                result.Add(best);
            }

            previous = best;
        }

        return result.ToArray();
    }
}
