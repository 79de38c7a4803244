using Pipelines.Captioning.Metrics;

namespace Pipelines.Captioning.Tests.Metrics;

public sealed class BleuTests
{
    private static IReadOnlyList<string> T(string s) => s.Split(' ');

    [Test]
    public void HandWorkedExample()
    {
        // p1 = 5/6, p2 = 3/5 (the cat, on the, the mat), p3 = 1/4 (on the mat), p4 = 0/3; equal lengths, BP = 1.
        var scores = Bleu.Corpus([T("the cat sat on the mat")], [[T("the cat is on the mat")]]);
        Assert.That(scores[0], Is.EqualTo(5.0 / 6).Within(1e-12));
        Assert.That(scores[1], Is.EqualTo(Math.Sqrt(5.0 / 6 * 3 / 5)).Within(1e-12));
        Assert.That(scores[2], Is.EqualTo(0.5).Within(1e-12));
        Assert.That(scores[3], Is.EqualTo(0));
    }

    [Test]
    public void BrevityPenaltyUsesTheClosestReferenceLength()
    {
        // c = 2; closest reference length is 3 (not 6): BP = exp(1 - 3/2).
        var scores = Bleu.Corpus([T("the cat")], [[T("the cat is on the mat"), T("the cat sat")]]);
        Assert.That(scores[0], Is.EqualTo(Math.Exp(1 - 1.5)).Within(1e-12));
    }

    [Test]
    public void CountsAreClippedAndSummedOverTheCorpus()
    {
        // "the the the" against "the cat": p1 = 1/3 (clipped); the second sentence matches fully.
        var scores = Bleu.Corpus([T("the the the"), T("a dog")], [[T("the cat sat")], [T("a dog")]]);
        Assert.That(scores[0], Is.EqualTo(3.0 / 5).Within(1e-12));   // (1 + 2) / (3 + 2), c = r = 5
    }

    [Test]
    public void PerfectCorpusScoresOne()
    {
        var scores = Bleu.Corpus([T("a man rides a red bike")], [[T("a man rides a red bike")]]);
        Assert.That(scores, Is.All.EqualTo(1.0).Within(1e-12));
    }
}
