using Pipelines.Speech.Decoding;
using Rnn.Core.Losses;
using Rnn.Core;

namespace Pipelines.Speech.Tests.Decoding;

public sealed class CtcPrefixBeamSearchTests
{
    private static readonly CtcVocabulary Abc = CtcVocabulary.Characters(new[] { "_", "|", "a", "b" }, 0, "|");

    [Test]
    public void FindsTheLabellingThatSumsMorePathsThanTheBestPath()
    {
        // p(blank) = 0.6, p(a) = 0.4 in both frames: the best path "_ _" has 0.36, but the
        // labelling "a" sums a_ + _a + aa = 0.24 + 0.24 + 0.16 = 0.64.
        var m = CtcTestMatrices.FromProbabilities(new[] { .6, 0, .4, 0 }, new[] { .6, 0, .4, 0 });

        Assert.That(new GreedyCtcDecoder(0).Decode(m), Is.Empty);
        Assert.That(new CtcPrefixBeamSearch(Abc).Decode(m), Is.EqualTo(new[] { 2 }));
    }

    [Test]
    public void EqualsTheExactBestLabellingOnTinyCases([Range(0, 29)] int seed)
    {
        // 3 classes, 5 frames: 243 paths; all 63 prefixes fit a beam of 64 and no token is pruned,
        // so the search is exact.
        var vocabulary = CtcVocabulary.Words(new[] { "<b>", "x", "y" }, 0);
        LogProbMatrix m = CtcTestMatrices.Random(seed, time: 5, vocab: 3, sharpness: 1.0);
        Dictionary<string, double> exact = CtcTestMatrices.AllLabellings(m, blank: 0);
        string best = exact.MaxBy(kv => kv.Value).Key;

        var exhaustive = new CtcBeamSearchOptions { BeamWidth = 64, MinTokenLogProb = double.NegativeInfinity };
        int[] labels = new CtcPrefixBeamSearch(vocabulary, exhaustive).Decode(m);

        Assert.That(CtcTestMatrices.Key(labels), Is.EqualTo(best),
            $"beam found p = {exact[CtcTestMatrices.Key(labels)]}, best is p = {exact[best]}");
    }

    [Test]
    public void BeatsOrTiesGreedyInLabellingProbability()
    {
        // Labelling probabilities by Rnn.Core's CTC forward algorithm (the loss is -log p).
        var vocabulary = CtcVocabulary.Characters(new[] { "_", "|", "a", "b", "c" }, 0, "|");
        // Not a theorem: a pruned prefix loses the mass it had, so a narrow beam can (rarely) end
        // below greedy; seed 118 does at width 8 by 0.008 nats. The default width 16 wins on all 40.
        var search = new CtcPrefixBeamSearch(vocabulary);
        int strictlyBetter = 0;
        for (int seed = 0; seed < 40; seed++)
        {
            LogProbMatrix m = CtcTestMatrices.Random(100 + seed, time: 20, vocab: 5, sharpness: 1.5);
            double greedy = LogProbability(m, new GreedyCtcDecoder(0).Decode(m));
            double beam = LogProbability(m, search.Decode(m));

            Assert.That(beam, Is.GreaterThanOrEqualTo(greedy - 1e-4), $"seed {100 + seed}");
            strictlyBetter += beam > greedy + 1e-4 ? 1 : 0;
        }

        // Flat random rows are where the best path and the best labelling differ most.
        Assert.That(strictlyBetter, Is.GreaterThan(0));
    }

    [Test]
    public void LexiconTurnsAPartialWordIntoALexiconWord()
    {
        // Unconstrained, "a" wins (aa + a_ + _a = 0.565 against "ab" = 0.36); "a" is no word of the
        // lexicon, which holds only "ab".
        var m = CtcTestMatrices.FromProbabilities(new[] { .05, 0, .9, .05 }, new[] { .1, 0, .5, .4 });
        var lexicon = new WordLexicon(new[] { "ab" });

        Assert.That(new CtcPrefixBeamSearch(Abc).Decode(m), Is.EqualTo(new[] { 2 }));
        Assert.That(new CtcPrefixBeamSearch(Abc, new CtcBeamSearchOptions { Lexicon = lexicon }).Decode(m),
            Is.EqualTo(new[] { 2, 3 }));
    }

    [Test]
    public void LexiconWordsAreTheOnlyWordsOut([Range(0, 9)] int seed)
    {
        var vocabulary = CtcVocabulary.Characters(new[] { "_", " ", "a", "b", "c" }, 0, " ");
        var lexicon = new WordLexicon(new[] { "ab", "cab", "b", "bba" });
        var search = new CtcPrefixBeamSearch(vocabulary, new CtcBeamSearchOptions { Lexicon = lexicon });
        LogProbMatrix m = CtcTestMatrices.Random(200 + seed, time: 30, vocab: 5, sharpness: 2.0);

        string text = string.Concat(search.Decode(m).Select(t => vocabulary.Tokens[t]));
        string[] words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(words, Is.Not.Empty, "a 30-frame random matrix should hold some lexicon word");
        Assert.That(words, Is.All.Matches<string>(w => lexicon.Contains(w!)), text);
    }

    [Test]
    public void WordLexiconFiltersWordTokens()
    {
        // "two" dominates every frame but is not allowed.
        var vocabulary = CtcVocabulary.Words(new[] { "<b>", "one", "two", "three" }, 0);
        var m = CtcTestMatrices.FromProbabilities(new[] { .1, .2, .6, .1 }, new[] { .5, .1, .3, .1 },
            new[] { .1, .1, .6, .2 });
        var options = new CtcBeamSearchOptions { Lexicon = new WordLexicon(new[] { "one", "three" }) };

        int[] labels = new CtcPrefixBeamSearch(vocabulary, options).Decode(m);

        Assert.That(new GreedyCtcDecoder(0).Decode(m), Is.EqualTo(new[] { 2, 2 }));
        Assert.That(labels, Is.Not.Empty);
        Assert.That(labels, Has.None.EqualTo(2));
    }

    [Test]
    public void WordInsertionBonusCanAddAWord()
    {
        // One frame: p(blank) = 0.6 > p(one) = 0.4; a bonus of log 2 per word makes "one" score 0.8.
        var vocabulary = CtcVocabulary.Words(new[] { "<b>", "one" }, 0);
        var m = CtcTestMatrices.FromProbabilities(new[] { .6, .4 });

        int[] plain = new CtcPrefixBeamSearch(vocabulary).Decode(m);
        int[] bonus = new CtcPrefixBeamSearch(vocabulary, new CtcBeamSearchOptions { WordInsertionBonus = Math.Log(2) })
            .Decode(m);

        Assert.That(plain, Is.Empty);
        Assert.That(bonus, Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void PruningDropsTokensBelowTheThresholdOrTopK()
    {
        // As in the lexicon case, but "b" (0.4 at frame 1) is pruned, so no lexicon word can be
        // completed and the result falls back to the complete words: none.
        var m = CtcTestMatrices.FromProbabilities(new[] { .05, 0, .9, .05 }, new[] { .1, 0, .5, .4 });
        var lexicon = new WordLexicon(new[] { "ab" });
        var threshold = new CtcBeamSearchOptions { Lexicon = lexicon, MinTokenLogProb = Math.Log(.45) };
        var topK = new CtcBeamSearchOptions { Lexicon = lexicon, TokensPerFrame = 1 };

        Assert.That(new CtcPrefixBeamSearch(Abc, threshold).Decode(m), Is.Empty);
        Assert.That(new CtcPrefixBeamSearch(Abc, topK).Decode(m), Is.Empty);
        Assert.That(new CtcPrefixBeamSearch(Abc, topK with { TokensPerFrame = 2 }).Decode(m),
            Is.EqualTo(new[] { 2, 3 }));
    }

    [Test]
    public void BeamOfOneStillDecodesAPeakyMatrix()
    {
        var m = CtcTestMatrices.Peaks(4, (2, .9), (0, .9), (2, .9), (3, .9), (1, .9), (3, .9));

        int[] labels = new CtcPrefixBeamSearch(Abc, new CtcBeamSearchOptions { BeamWidth = 1 }).Decode(m);

        Assert.That(labels, Is.EqualTo(new[] { 2, 2, 3, 1, 3 }));
    }

    [Test]
    public void RejectsAMismatchedVocabulary()
    {
        var m = CtcTestMatrices.Peaks(3, (0, .9));

        var error = Assert.Throws<ArgumentException>(() => new CtcPrefixBeamSearch(Abc).Decode(m));
        Assert.That(error!.Message, Does.Contain("3 classes"));
    }

    private static double LogProbability(LogProbMatrix m, int[] labels)
    {
        var values = new float[m.Time * m.Vocab];   // [1, time, vocab]
        for (int t = 0; t < m.Time; t++)
        {
            m.Row(t).CopyTo(values.AsSpan(t * m.Vocab));
        }

        // Rows are already log-normalised, so the loss's log-softmax leaves them unchanged.
        Tensor logits = Tensor.FromArray(values, 1, m.Time, m.Vocab);
        var options = new CtcOptions { Reduction = Reduction.None };
        Tensor loss = CtcLoss.Compute(logits, new[] { labels }, new[] { m.Time }, options);
        return -loss.ToArray()[0];
    }
}
