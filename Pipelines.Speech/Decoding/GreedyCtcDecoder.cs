namespace Pipelines.Speech.Decoding;

/// <summary>
/// Best-path CTC decoding: the most probable token of every frame, with repeats collapsed and
/// blanks dropped. It finds the most probable single path, not the most probable labelling (a
/// labelling sums many paths), so <see cref="CtcPrefixBeamSearch"/> can do better; it is exact
/// when one path dominates, as with well-trained, peaky models.
/// </summary>
/// <example>
/// <code>
/// int[] labels = new GreedyCtcDecoder(blank: 0).Decode(logProbs);
/// </code>
/// </example>
public sealed class GreedyCtcDecoder : ICtcDecoder
{
    private readonly int _blank;

    /// <summary>A greedy decoder for a model whose blank has class index <paramref name="blank"/>.</summary>
    public GreedyCtcDecoder(int blank)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blank);
        _blank = blank;
    }

    /// <inheritdoc/>
    public int[] Decode(LogProbMatrix logProbs)
    {
        if (_blank >= logProbs.Vocab)
        {
            throw new ArgumentException($"blank {_blank} is outside the {logProbs.Vocab}-token vocabulary");
        }

        var labels = new List<int>();
        int previous = _blank;
        for (int t = 0; t < logProbs.Time; t++)
        {
            int best = ArgMax(logProbs.Row(t));

            // A token repeated in consecutive frames is one emission; a blank between two
            // equal tokens makes them two.
            if (best != _blank && best != previous)
            {
                labels.Add(best);
            }

            previous = best;
        }

        return labels.ToArray();
    }

    // Ties go to the lower index so results do not depend on evaluation order.
    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int v = 1; v < row.Length; v++)
        {
            if (row[v] > row[best])
            {
                best = v;
            }
        }

        return best;
    }
}
