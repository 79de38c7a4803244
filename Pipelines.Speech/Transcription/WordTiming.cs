using Pipelines.Speech.Decoding;

namespace Pipelines.Speech.Transcription;

/// <summary>
/// Gives words the time they are heard. A CTC model fires each word on one or two output frames
/// (a 40 ms spike), and a bidirectional one may fire anywhere in the word, before it, or after it
/// (the default digit model fires most words 0.2-0.9 s late, at or after the next word's onset);
/// alone, the spike is a poor word time. Here the segment's audio is cut into voiced islands
/// (frame energy over a threshold set between its noise floor and its loud frames), each word is
/// matched to an island in order by a small dynamic programme (distance from its spike to the
/// island, plus a cost for sharing an island and one for a weak island), and it spans that island;
/// words that share one split it at the midpoints of their spikes, or evenly when the spikes lie
/// outside it. The
/// model's delay is estimated per segment first: the one shift of all spikes (within
/// +-<see cref="MaxShift"/> s) that matches them to the islands at the least cost, the smallest
/// such shift on ties, so a model whose spikes already fall in their words keeps them. With too
/// little contrast to find islands the CTC times are kept.
/// </summary>
public static class WordTiming
{
    private const double Hop = 0.01;               // energy frame step, seconds
    private const double Window = 0.02;            // energy frame length, seconds
    private const double MergeGap = 0.08;          // quieter stretches this short stay inside a word
    private const double MinIsland = 0.04;         // shorter voiced runs are clicks, not words
    private const double SharePenalty = 0.25;      // seconds of spike distance one shared island costs
    private const double MinContrastDb = 6;
    // Decibels under the loud frames past which a few frames count as gated silence, not the floor
    // (see VoicedRuns). On joined FSDD test recordings, words 0.3 s or more off their clips: 24 -> 0 of
    // 200 with a -49 dBFS noise floor under 0.3 s pauses; 47 -> 9 and 31 -> 3 with 0.05 s pauses; 30
    // and 60 dB did worse; none on the recordings with near-silent pauses, as before.
    private const double FloorRangeDb = 45;
    private const double MaxGatedShare = 0.3;      // of a segment's frames, for gated silence to be set aside
    private const double ShiftStep = 0.02;         // seconds between the spike shifts tried

    // Seconds of spike distance that matching a word to the weakest island of its segment costs
    // (nothing for the strongest; strength: decibels over the threshold summed over the island's
    // frames). A lone word whose late spike lay on a clip's quiet tail or a click took that island
    // over its own speech at no cost. Alone it took the test recordings above from 24 and 47 to 16
    // and 28 words off; with the gated-silence floor, from 6 and 25 to 0 and 9. 0.5 made them worse.
    private const double WeakPenalty = 0.25;

    /// <summary>The largest spike delay (or lead) searched for, in seconds.</summary>
    public const double MaxShift = 1.0;

    /// <summary>The words of one segment with their times spread over the speech they belong to.</summary>
    /// <param name="words">Words of the segment with CTC times, in order.</param>
    /// <param name="samples">The segment's mono samples.</param>
    /// <param name="sampleRate">Their rate.</param>
    /// <param name="offset">Seconds from the file's start to the first sample.</param>
    /// <param name="segmentEnd">No word ends after this (seconds from the file's start).</param>
    public static TranscriptWord[] Spread(
        IReadOnlyList<TranscriptWord> words, ReadOnlySpan<float> samples, int sampleRate, double offset,
        double segmentEnd)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (words.Count == 0)
        {
            return [];
        }

        var runs = VoicedRuns(samples, sampleRate);
        if (runs.Count == 0)
        {
            return words.ToArray();
        }

        var islands = runs.Select(r => (r.Start, r.End)).ToList();
        double strongest = runs.Max(r => r.Strength);
        double[] weak = runs.Select(r => WeakPenalty * (1 - r.Strength / Math.Max(strongest, 1e-9))).ToArray();
        double[] spikes = words.Select(w => (w.Start + w.End) / 2 - offset).ToArray();
        double shift = Delay(spikes, islands, weak);
        for (int i = 0; i < spikes.Length; i++) spikes[i] -= shift;
        int[] match = Match(spikes, islands, weak).Match;
        var result = new TranscriptWord[words.Count];
        for (int first = 0; first < words.Count;)
        {
            int last = first;
            while (last + 1 < words.Count && match[last + 1] == match[first]) last++;
            var (start, end) = islands[match[first]];
            double[] cuts = Cuts(spikes, first, last, start, end);
            for (int i = first; i <= last; i++)
            {
                double s = Math.Min(offset + cuts[i - first], segmentEnd);
                double e = Math.Min(offset + cuts[i - first + 1], segmentEnd);
                result[i] = words[i] with { Start = s, End = Math.Max(s, e) };
            }

            first = last + 1;
        }

        return result;
    }

    // Voiced runs [start, end) in seconds from the segment's start.
    internal static List<(double Start, double End)> Islands(ReadOnlySpan<float> samples, int sampleRate) =>
        VoicedRuns(samples, sampleRate).Select(r => (r.Start, r.End)).ToList();

    // Voiced runs with their strength: the decibels above the threshold summed over their frames.
    private static List<(double Start, double End, double Strength)> VoicedRuns(
        ReadOnlySpan<float> samples, int sampleRate)
    {
        int hop = Math.Max(1, (int)(Hop * sampleRate)), window = Math.Max(hop, (int)(Window * sampleRate));
        int frames = samples.Length < window ? 0 : 1 + (samples.Length - window) / hop;
        var db = new double[frames];
        for (int t = 0; t < frames; t++)
        {
            db[t] = VarianceDb(samples.Slice(t * hop, window));
        }

        var islands = new List<(double, double, double)>();
        if (frames == 0)
        {
            return islands;
        }

        var sorted = db.Order().ToArray();
        double loud = sorted[(int)(0.95 * (frames - 1))];
        // Frames far under the loud ones (FloorRangeDb) that are few are gated silence inside the
        // recordings, not the pauses' level: clips whose own silence is gated to near zero (-70 dB)
        // joined by pauses of real noise (-49 dB) put the 10th percentile in the gated silence, the
        // threshold under the pauses' noise, and every word of a segment into one stretch. Many such
        // frames (a clean recording's long pauses) are the floor itself.
        var audible = sorted.Where(d => d >= loud - FloorRangeDb).ToArray();
        bool gatedFew = audible.Length > 0 && frames - audible.Length < MaxGatedShare * frames;
        double floor = gatedFew ? audible[(int)(0.1 * (audible.Length - 1))] : sorted[(int)(0.1 * (frames - 1))];
        if (loud - floor < MinContrastDb)
        {
            return islands;
        }

        double threshold = floor + Math.Max(MinContrastDb, 0.3 * (loud - floor));
        int? open = null, lastVoiced = -1;
        for (int t = 0; t <= frames; t++)
        {
            bool voiced = t < frames && db[t] > threshold;
            if (voiced && open is null) open = t;
            if (voiced) lastVoiced = t;
            bool close = open is not null && (t == frames || (!voiced && (t - lastVoiced!.Value) * Hop > MergeGap));
            if (close)
            {
                double start = open!.Value * Hop, end = lastVoiced!.Value * Hop + Window;
                double strength = 0;
                for (int u = open!.Value; u <= lastVoiced!.Value; u++) strength += Math.Max(0, db[u] - threshold);
                if (end - start >= MinIsland) islands.Add((start, end, strength));
                open = null;
            }
        }

        return islands;
    }

    // The shift to subtract from every spike (positive: the model fires late) that matches the
    // spikes to the islands at the least cost; among equal costs the one nearest zero.
    internal static double Delay(double[] spikes, List<(double Start, double End)> islands, double[]? weak = null)
    {
        weak ??= new double[islands.Count];
        var shifted = new double[spikes.Length];
        var (cost, from) = (new double[spikes.Length, islands.Count], new int[spikes.Length, islands.Count]);
        double best = 0, bestCost = double.PositiveInfinity;
        int steps = (int)Math.Round(MaxShift / ShiftStep);
        for (int k = 0; k <= 2 * steps; k++)
        {
            // 0, +step, -step, +2 step, ...: nearer shifts first, so a later one must do better.
            double shift = (k % 2 == 1 ? 1 : -1) * ((k + 1) / 2) * ShiftStep;
            for (int i = 0; i < spikes.Length; i++) shifted[i] = spikes[i] - shift;
            double total = Match(shifted, islands, weak, cost, from).Cost;
            if (total < bestCost - 1e-9) (best, bestCost) = (shift, total);
        }

        return best;
    }

    private static (int[] Match, double Cost) Match(
        double[] spikes, List<(double Start, double End)> islands, double[] weak) =>
        Match(spikes, islands, weak, new double[spikes.Length, islands.Count], new int[spikes.Length, islands.Count]);

    // match[i] = island of word i: non-decreasing, minimising spike distance plus sharing cost.
    // cost and from are [words, islands] tables the caller may reuse across calls.
    private static (int[] Match, double Cost) Match(
        double[] spikes, List<(double Start, double End)> islands, double[] weak, double[,] cost, int[,] from)
    {
        int n = spikes.Length, m = islands.Count;
        for (int j = 0; j < m; j++) cost[0, j] = Distance(spikes[0], islands[j]) + weak[j];
        for (int i = 1; i < n; i++)
        {
            double bestBefore = double.PositiveInfinity;
            int bestIndex = 0;
            for (int j = 0; j < m; j++)
            {
                double stay = cost[i - 1, j] + SharePenalty;
                double move = bestBefore;
                cost[i, j] = Distance(spikes[i], islands[j]) + weak[j] + Math.Min(stay, move);
                from[i, j] = stay <= move ? j : bestIndex;
                if (cost[i - 1, j] < bestBefore) (bestBefore, bestIndex) = (cost[i - 1, j], j);
            }
        }

        var match = new int[n];
        int at = 0;
        for (int j = 1; j < m; j++) if (cost[n - 1, j] < cost[n - 1, at]) at = j;
        double total = cost[n - 1, at];
        for (int i = n - 1; i >= 0; i--)
        {
            match[i] = at;
            at = from[i, at];
        }

        return (match, total);
    }

    // Boundaries of words first..last inside [start, end]: spike midpoints when they fall in order
    // inside the island, else equal parts.
    private static double[] Cuts(double[] spikes, int first, int last, double start, double end)
    {
        int count = last - first + 1;
        var cuts = new double[count + 1];
        cuts[0] = start;
        cuts[count] = end;
        bool ordered = true;
        for (int k = 1; k < count; k++)
        {
            cuts[k] = (spikes[first + k - 1] + spikes[first + k]) / 2;
            ordered &= cuts[k] > cuts[k - 1] && cuts[k] < end;
        }

        if (!ordered)
        {
            for (int k = 1; k < count; k++) cuts[k] = start + (end - start) * k / count;
        }

        return cuts;
    }

    private static double Distance(double spike, (double Start, double End) island) =>
        spike < island.Start ? island.Start - spike : spike > island.End ? spike - island.End : 0;

    // Energy of the frame around its mean (so a DC offset is not speech), in dB.
    private static double VarianceDb(ReadOnlySpan<float> frame)
    {
        double sum = 0, squares = 0;
        foreach (float x in frame)
        {
            sum += x;
            squares += x * (double)x;
        }

        double mean = sum / frame.Length;
        return 10 * Math.Log10(Math.Max(squares / frame.Length - mean * mean, 1e-12));
    }
}
