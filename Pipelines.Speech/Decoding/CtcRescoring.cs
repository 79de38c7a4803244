namespace Pipelines.Speech.Decoding;

/// <summary>
/// Picks one transcript for several CTC outputs of the same audio (the members of an ensemble,
/// or test-time variants of one model): each member's own best transcript and that of their
/// merged frames are the candidates, and the winner has the highest sum over the members of
/// log P_ctc(candidate | member) (<see cref="CtcSequenceScore"/>), a product of the members'
/// sequence probabilities. Each score sums over every alignment, so members that fire the same
/// word a frame or two apart agree on it, where merging their frames would halve both spikes.
/// </summary>
public static class CtcRescoring
{
    /// <summary>The best candidate label sequence.</summary>
    /// <param name="decoder">Decodes each member's and the merged frames into a candidate.</param>
    /// <param name="merged">The members' frames merged into one (any rule).</param>
    /// <param name="members">The members' own frames; any length each.</param>
    /// <param name="blank">Class index of the blank.</param>
    /// <returns>The winning labels; on ties, the earliest candidate (the merged frames' first).</returns>
    public static int[] Decode(
        ICtcDecoder decoder, LogProbMatrix merged, IReadOnlyList<LogProbMatrix> members, int blank)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(members);
        var candidates = new List<int[]> { decoder.Decode(merged) };
        foreach (var member in members)
        {
            int[] labels = decoder.Decode(member);
            if (!candidates.Any(c => c.SequenceEqual(labels))) candidates.Add(labels);
        }

        if (candidates.Count == 1 || members.Count == 0) return candidates[0];
        int[] best = candidates[0];
        double bestScore = double.NegativeInfinity;
        foreach (var candidate in candidates)
        {
            double score = 0;
            foreach (var member in members) score += CtcSequenceScore.LogLikelihood(member, candidate, blank);
            if (score > bestScore)
            {
                (best, bestScore) = (candidate, score);
            }
        }

        return best;
    }
}
