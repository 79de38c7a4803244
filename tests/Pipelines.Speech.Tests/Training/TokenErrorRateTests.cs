using Pipelines.Speech.Training;

namespace Pipelines.Speech.Tests.Training;

public sealed class TokenErrorRateTests
{
    [TestCase(new int[0], new int[0], 0)]
    [TestCase(new[] { 1, 2, 3 }, new[] { 1, 2, 3 }, 0)]
    [TestCase(new[] { 1, 3 }, new[] { 1, 2, 3 }, 1)]
    [TestCase(new[] { 1, 2, 2, 3 }, new[] { 1, 2, 3 }, 1)]
    [TestCase(new[] { 4, 5, 6 }, new[] { 1, 2, 3 }, 3)]
    [TestCase(new[] { 2, 1 }, new[] { 1, 2 }, 2)]
    [TestCase(new int[0], new[] { 1, 2 }, 2)]
    public void EditDistanceCountsSubstitutionsInsertionsAndDeletions(int[] hyp, int[] reference, int expected) =>
        Assert.That(TokenErrorRate.EditDistance(hyp, reference), Is.EqualTo(expected));

    [Test]
    public void RateIsTotalEditsOverTotalReferenceTokens()
    {
        var hyps = new IReadOnlyList<int>[] { new[] { 1, 2 }, new[] { 3 } };
        var refs = new IReadOnlyList<int>[] { new[] { 1, 2, 5 }, new[] { 3 } };
        Assert.That(TokenErrorRate.Compute(hyps, refs), Is.EqualTo(0.25));
        Assert.Throws<ArgumentException>(() => TokenErrorRate.Compute(hyps, refs[..1]));
    }

    [Test]
    public void GreedyCollapseMergesRepeatsAndDropsBlanks()
    {
        // Argmax path over 4 tokens (blank 0): 2 2 0 2 1 1 0 -> 2 2 1.
        int[] path = { 2, 2, 0, 2, 1, 1, 0 };
        var scores = new float[path.Length * 4];
        for (int t = 0; t < path.Length; t++) scores[t * 4 + path[t]] = 1f;
        Assert.That(GreedyCtc.Collapse(scores, path.Length, 4, blank: 0), Is.EqualTo(new[] { 2, 2, 1 }));
        Assert.That(GreedyCtc.Collapse(scores, 2, 4, blank: 0), Is.EqualTo(new[] { 2 }), "only real frames are read");
    }
}
