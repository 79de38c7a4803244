using Pipelines.Captioning.Metrics;

namespace Pipelines.Captioning.Tests.Metrics;

public sealed class CiderDTests
{
    private static IReadOnlyList<string> T(string s) => s.Split(' ');

    [Test]
    public void CandidateEqualToItsOnlyReferenceScoresTen()
    {
        // Two images with disjoint words: every n-gram has df 1 of 2, the vectors are identical,
        // the cosine is 1 and the length penalty exp(0) = 1, so each n gives 1 and the score is 10.
        var score = CiderD.Corpus([T("a dog runs fast"), T("two cats sleep here")],
            [[T("a dog runs fast")], [T("two cats sleep here")]]);
        Assert.That(score, Is.EqualTo(10).Within(1e-9));
    }

    [Test]
    public void WordsEveryImageSharesCarryNoWeight()
    {
        // With one image every reference n-gram has idf log(1/1) = 0.
        Assert.That(CiderD.Corpus([T("a dog")], [[T("a dog")]]), Is.EqualTo(0));
    }

    [Test]
    public void LengthPenaltyAndClippingLowerTheScore()
    {
        var refs = new IReadOnlyList<IReadOnlyList<string>>[] { [T("a dog runs")], [T("two cats sleep")] };
        double exact = CiderD.Corpus([T("a dog runs"), T("two cats sleep")], refs);
        double repeated = CiderD.Corpus([T("a dog runs a dog runs"), T("two cats sleep")], refs);
        double wrong = CiderD.Corpus([T("two cats sleep"), T("two cats sleep")], refs);
        Assert.That(repeated, Is.LessThan(exact));
        Assert.That(wrong, Is.LessThan(repeated));
    }
}
