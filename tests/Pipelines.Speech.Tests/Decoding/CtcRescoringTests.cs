using Pipelines.Speech.Decoding;
using Pipelines.Speech.Tests.Support;

namespace Pipelines.Speech.Tests.Decoding;

public sealed class CtcRescoringTests
{
    private const int Vocab = 3;   // blank 0, tokens 1 and 2

    [Test]
    public void MembersThatFireOneFrameApartKeepTheirWordWhereMergedFramesLoseIt()
    {
        // Each member is sure of token 1, but fires it on a different frame; averaged frame by frame
        // the spike is halved on each frame and the blank wins both.
        var a = Matrix((1, 1, 0.8));
        var b = Matrix((2, 1, 0.8));
        var merged = Mean(a, b);
        var greedy = new GreedyCtcDecoder(0);
        Assert.That(greedy.Decode(merged), Is.Empty, "the mixture alone drops the word");

        Assert.That(CtcRescoring.Decode(greedy, merged, [a, b], 0), Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void TheCandidateBothMembersExplainBestWins()
    {
        // Member a hears "1", member b "2"; a is barely sure, b is sure: b's reading wins, and the
        // other way round when a is the sure one.
        var weakOne = Matrix((1, 1, 0.55));
        var sureTwo = Matrix((1, 2, 0.95));
        var greedy = new GreedyCtcDecoder(0);
        Assert.That(CtcRescoring.Decode(greedy, Mean(weakOne, sureTwo), [weakOne, sureTwo], 0),
            Is.EqualTo(new[] { 2 }));

        var sureOne = Matrix((1, 1, 0.95));
        var weakTwo = Matrix((1, 2, 0.55));
        Assert.That(CtcRescoring.Decode(greedy, Mean(sureOne, weakTwo), [sureOne, weakTwo], 0),
            Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void WithoutMembersItIsTheDecoderOnTheMergedFrames()
    {
        var a = Matrix((2, 2, 0.9));
        Assert.That(CtcRescoring.Decode(new GreedyCtcDecoder(0), a, [], 0), Is.EqualTo(new[] { 2 }));
    }

    // 4 frames: blank with 0.9 except the given (frame, token, probability) spikes.
    private static LogProbMatrix Matrix(params (int Frame, int Token, double P)[] spikes) =>
        new(SpikeFrames.LogProbs(4, Vocab, 0.9, spikes), 4, Vocab);

    private static LogProbMatrix Mean(LogProbMatrix a, LogProbMatrix b)
    {
        var values = new float[a.Time * Vocab];
        for (int t = 0; t < a.Time; t++)
        {
            for (int k = 0; k < Vocab; k++)
            {
                values[t * Vocab + k] = (float)Math.Log((Math.Exp(a[t, k]) + Math.Exp(b[t, k])) / 2);
            }
        }

        return new LogProbMatrix(values, a.Time, Vocab);
    }
}
