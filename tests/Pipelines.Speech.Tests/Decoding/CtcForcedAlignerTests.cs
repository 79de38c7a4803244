using Pipelines.Speech.Decoding;

namespace Pipelines.Speech.Tests.Decoding;

public sealed class CtcForcedAlignerTests
{
    [Test]
    public void SpansFollowTheBestPathOfAHandBuiltCase()
    {
        // Best path: _ a a _ b b b _ -> a spans frames [1, 3), b spans [4, 7).
        var m = CtcTestMatrices.Peaks(3, (0, .9), (1, .8), (1, .7), (0, .6), (2, .9), (2, .8), (2, .9), (0, .9));

        CtcTokenSpan[] spans = CtcForcedAligner.Align(m, new[] { 1, 2 }, blank: 0);

        Assert.That(spans.Select(s => (s.Token, s.StartFrame, s.EndFrame)),
            Is.EqualTo(new[] { (1, 1, 3), (2, 4, 7) }));
        Assert.That(spans[0].LogProbSum, Is.EqualTo(Math.Log(.8) + Math.Log(.7)).Within(1e-5));
    }

    [Test]
    public void RepeatedLabelsGetABlankBetweenThem()
    {
        // Frame 1 prefers "a" but two a's need a blank in between; the blank goes where it costs least.
        var m = CtcTestMatrices.Peaks(3, (1, .9), (1, .6), (1, .9));

        CtcTokenSpan[] spans = CtcForcedAligner.Align(m, new[] { 1, 1 }, blank: 0);

        Assert.That(spans.Select(s => (s.StartFrame, s.EndFrame)), Is.EqualTo(new[] { (0, 1), (2, 3) }));
    }

    [Test]
    public void MatchesTheBruteForceBestAlignment([Range(0, 19)] int seed)
    {
        LogProbMatrix m = CtcTestMatrices.Random(300 + seed, time: 6, vocab: 3, sharpness: 1.0);
        int[] labels = seed % 2 == 0 ? new[] { 1, 2 } : new[] { 2, 2, 1 };

        CtcTokenSpan[] spans = CtcForcedAligner.Align(m, labels, blank: 0);

        // Rebuild the path from the spans: tokens on their runs, blanks elsewhere.
        var path = new int[m.Time];
        foreach (CtcTokenSpan span in spans)
        {
            Array.Fill(path, span.Token, span.StartFrame, span.Frames);
        }

        double logP = Enumerable.Range(0, m.Time).Sum(t => (double)m[t, path[t]]);
        Assert.That(CtcTestMatrices.Collapse(path, 0), Is.EqualTo(labels));
        Assert.That(logP, Is.EqualTo(CtcTestMatrices.BestPathLogProb(m, labels, 0)).Within(1e-9));
        Assert.That(spans.Sum(s => s.LogProbSum) + BlankSum(m, path), Is.EqualTo(logP).Within(1e-9));
    }

    [Test]
    public void NoLabelsGiveNoSpans()
    {
        var m = CtcTestMatrices.Peaks(3, (1, .9));

        Assert.That(CtcForcedAligner.Align(m, Array.Empty<int>(), 0), Is.Empty);
    }

    [Test]
    public void RejectsLabelsThatCannotFit()
    {
        // "a a" needs three frames (a, blank, a).
        var m = CtcTestMatrices.Peaks(3, (1, .9), (1, .9));

        var error = Assert.Throws<ArgumentException>(() => CtcForcedAligner.Align(m, new[] { 1, 1 }, 0));
        Assert.That(error!.Message, Does.Contain("2 labels cannot be aligned in 2 frames"));
        Assert.Throws<ArgumentException>(() => CtcForcedAligner.Align(m, new[] { 0 }, 0));
        Assert.Throws<ArgumentException>(() => CtcForcedAligner.Align(m, new[] { 3 }, 0));
    }

    private static double BlankSum(LogProbMatrix m, int[] path) =>
        Enumerable.Range(0, m.Time).Where(t => path[t] == 0).Sum(t => (double)m[t, 0]);
}
