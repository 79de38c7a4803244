using Pipelines.Speech.Decoding;

namespace Pipelines.Speech.Tests.Decoding;

public sealed class GreedyCtcDecoderTests
{
    [Test]
    public void CollapsesRepeatsAndDropsBlanks()
    {
        // Best path: _ a a _ a b b _  -> a a b (the blank splits the two a runs).
        var m = CtcTestMatrices.Peaks(3, (0, .9), (1, .8), (1, .7), (0, .6), (1, .9), (2, .8), (2, .9), (0, .9));

        int[] labels = new GreedyCtcDecoder(blank: 0).Decode(m);

        Assert.That(labels, Is.EqualTo(new[] { 1, 1, 2 }));
    }

    [Test]
    public void HonoursANonZeroBlank()
    {
        // Blank is class 2 here: path 0 2 0 1 1 -> 0 0 1.
        var m = CtcTestMatrices.Peaks(3, (0, .9), (2, .8), (0, .7), (1, .6), (1, .9));

        Assert.That(new GreedyCtcDecoder(blank: 2).Decode(m), Is.EqualTo(new[] { 0, 0, 1 }));
    }

    [Test]
    public void AllBlankOrNoFramesGivesNoLabels()
    {
        var blanks = CtcTestMatrices.Peaks(4, (0, .9), (0, .8));
        var none = new LogProbMatrix(Array.Empty<float>(), 0, 4);

        Assert.That(new GreedyCtcDecoder(0).Decode(blanks), Is.Empty);
        Assert.That(new GreedyCtcDecoder(0).Decode(none), Is.Empty);
    }

    [Test]
    public void RejectsABlankOutsideTheVocabulary()
    {
        var m = CtcTestMatrices.Peaks(3, (0, .9));

        var error = Assert.Throws<ArgumentException>(() => new GreedyCtcDecoder(blank: 3).Decode(m));
        Assert.That(error!.Message, Does.Contain("3"));
    }
}
