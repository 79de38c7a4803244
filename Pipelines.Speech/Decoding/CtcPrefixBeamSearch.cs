namespace Pipelines.Speech.Decoding;

/// <summary>
/// CTC prefix beam search (Hannun et al. 2014, "First-Pass Large Vocabulary Continuous Speech
/// Recognition using Bi-Directional Recurrent DNNs", without the language model), in log space.
/// Every prefix carries two probabilities, of the frames so far ending in a blank and ending in
/// its last token, so that paths that collapse to the same labels are summed: with a beam wide
/// enough to keep every prefix the result is the most probable labelling, not just the most
/// probable path.
/// </summary>
/// <remarks>
/// An optional <see cref="WordLexicon"/> constrains the output to lexicon words. Prefixes are
/// nodes of a tree (one per distinct label sequence) whose scratch scores are reset per frame,
/// so a frame allocates only for prefixes never seen before.
/// </remarks>
/// <example>
/// <code>
/// var search = new CtcPrefixBeamSearch(vocabulary, new CtcBeamSearchOptions { BeamWidth = 8 });
/// int[] labels = search.Decode(logProbs);
/// </code>
/// </example>
public sealed class CtcPrefixBeamSearch : ICtcDecoder
{
    private readonly CtcVocabulary _vocabulary;
    private readonly CtcBeamSearchOptions _options;

    /// <summary>A beam search over <paramref name="vocabulary"/>.</summary>
    /// <param name="vocabulary">Tokens, blank and separator of the model.</param>
    /// <param name="options">Beam width, pruning, lexicon; defaults when null.</param>
    public CtcPrefixBeamSearch(CtcVocabulary vocabulary, CtcBeamSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        options ??= new CtcBeamSearchOptions();
        if (options.BeamWidth < 1 || options.TokensPerFrame < 0)
        {
            throw new ArgumentException(
                $"expected BeamWidth >= 1 and TokensPerFrame >= 0; " +
                $"got {options.BeamWidth} and {options.TokensPerFrame}",
                nameof(options));
        }

        _vocabulary = vocabulary;
        _options = options;
    }

    /// <inheritdoc/>
    public int[] Decode(LogProbMatrix logProbs)
    {
        if (logProbs.Vocab != _vocabulary.Count)
        {
            throw new ArgumentException(
                $"log-probabilities have {logProbs.Vocab} classes but the vocabulary has {_vocabulary.Count}");
        }

        var root = new CtcPrefix(null, -1, _options.Lexicon?.Root, 0);
        root.Blank = 0;
        var beam = new List<CtcPrefix> { root };
        var touched = new List<CtcPrefix>();
        var candidates = new List<int>(logProbs.Vocab);
        for (int t = 0; t < logProbs.Time; t++)
        {
            ReadOnlySpan<float> row = logProbs.Row(t);
            SelectCandidates(row, candidates);
            touched.Clear();
            foreach (CtcPrefix prefix in beam)
            {
                Extend(prefix, row, candidates, touched);
            }

            beam = Prune(touched);
        }

        return Best(beam).Labels();
    }

    // Spreads one prefix's mass over itself (blank or repeat) and its one-token extensions.
    private void Extend(CtcPrefix prefix, ReadOnlySpan<float> row, List<int> candidates, List<CtcPrefix> touched)
    {
        double total = LogMath.Add(prefix.Blank, prefix.NonBlank);
        prefix.Touch(touched);
        prefix.NextBlank = LogMath.Add(prefix.NextBlank, total + row[_vocabulary.Blank]);
        if (prefix.Token >= 0)
        {
            // Staying on the last token without a blank in between adds no label.
            prefix.NextNonBlank = LogMath.Add(prefix.NextNonBlank, prefix.NonBlank + row[prefix.Token]);
        }

        foreach (int token in candidates)
        {
            CtcPrefix? child = prefix.Child(token, _vocabulary, _options.Lexicon);
            if (child is null)
            {
                continue;
            }

            // A repeated token is a new label only after a blank.
            double from = token == prefix.Token ? prefix.Blank : total;
            child.Touch(touched);
            child.NextNonBlank = LogMath.Add(child.NextNonBlank, from + row[token]);
        }
    }

    private void SelectCandidates(ReadOnlySpan<float> row, List<int> candidates)
    {
        candidates.Clear();
        for (int v = 0; v < row.Length; v++)
        {
            if (v != _vocabulary.Blank && row[v] >= _options.MinTokenLogProb && !float.IsNegativeInfinity(row[v]))
            {
                candidates.Add(v);
            }
        }

        int keep = _options.TokensPerFrame;
        if (keep > 0 && candidates.Count > keep)
        {
            float[] scores = new float[candidates.Count];
            for (int i = 0; i < scores.Length; i++)
            {
                scores[i] = -row[candidates[i]];
            }

            int[] order = candidates.ToArray();
            Array.Sort(scores, order);
            candidates.Clear();
            candidates.AddRange(order.AsSpan(0, keep));
        }
    }

    // Commits the frame's new scores and keeps the BeamWidth best prefixes.
    private List<CtcPrefix> Prune(List<CtcPrefix> touched)
    {
        foreach (CtcPrefix prefix in touched)
        {
            prefix.Commit();

            // Scored once here, not inside the sort's comparisons (a log and an exp each).
            prefix.Rank = Score(prefix);
        }

        touched.Sort(static (a, b) => b.Rank.CompareTo(a.Rank));
        int keep = Math.Min(_options.BeamWidth, touched.Count);
        var beam = new List<CtcPrefix>(keep);
        for (int i = 0; i < keep && !double.IsNegativeInfinity(touched[i].Rank); i++)
        {
            beam.Add(touched[i]);
        }

        // Dropped prefixes may come back later as extensions; their old scores must not leak in.
        for (int i = beam.Count; i < touched.Count; i++)
        {
            touched[i].Reset();
        }

        return beam;
    }

    private double Score(CtcPrefix prefix) =>
        LogMath.Add(prefix.Blank, prefix.NonBlank) + _options.WordInsertionBonus * prefix.Words;

    // With a lexicon the last word must be complete; otherwise fall back to its complete words.
    private CtcPrefix Best(List<CtcPrefix> beam)
    {
        CtcPrefix? best = null;
        foreach (CtcPrefix prefix in beam)
        {
            if (prefix.IsComplete && (best is null || Score(prefix) > Score(best)))
            {
                best = prefix;
            }
        }

        if (best is not null)
        {
            return best;
        }

        CtcPrefix fallback = beam.Count > 0 ? beam[0] : new CtcPrefix(null, -1, null, 0);
        while (!fallback.IsComplete)
        {
            fallback = fallback.Parent!;
        }

        return fallback;
    }
}
