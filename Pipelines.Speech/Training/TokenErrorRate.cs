namespace Pipelines.Speech.Training;

/// <summary>
/// Token error rate: edit distance (substitutions, insertions, deletions, each cost 1;
/// Levenshtein 1966) between hypothesis and reference, summed over utterances and divided
/// by the total reference length. With word tokens this is the word (or digit) error rate.
/// </summary>
public static class TokenErrorRate
{
    /// <summary>Levenshtein distance between two token sequences.</summary>
    public static int EditDistance(IReadOnlyList<int> hypothesis, IReadOnlyList<int> reference)
    {
        var previous = new int[reference.Count + 1];
        var current = new int[reference.Count + 1];
        for (int j = 0; j <= reference.Count; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= hypothesis.Count; i++)
        {
            current[0] = i;
            for (int j = 1; j <= reference.Count; j++)
            {
                int substitute = previous[j - 1] + (hypothesis[i - 1] == reference[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitute, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[reference.Count];
    }

    /// <summary>Total edits over total reference tokens (0 when both are empty).</summary>
    public static double Compute(
        IReadOnlyList<IReadOnlyList<int>> hypotheses, IReadOnlyList<IReadOnlyList<int>> references)
    {
        if (hypotheses.Count != references.Count)
        {
            throw new ArgumentException($"{hypotheses.Count} hypotheses for {references.Count} references");
        }

        long edits = 0, length = 0;
        for (int i = 0; i < references.Count; i++)
        {
            edits += EditDistance(hypotheses[i], references[i]);
            length += references[i].Count;
        }

        return length == 0 ? (edits == 0 ? 0 : 1) : (double)edits / length;
    }
}
