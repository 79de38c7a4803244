using Pipelines.Video.Data;
using Pipelines.Video.Tests.Support;
using Rnn.Core;

namespace Pipelines.Video.Tests.Data;

[TestFixture]
public sealed class MovingMnistTests
{
    [Test]
    public void SameSeed_SameSequence_DifferentSeed_Different()
    {
        var gen = new MovingMnist(TestData.Images, new MovingMnistOptions(), 0, 100);

        var a = gen.Sequence(new Rng(3));
        var b = gen.Sequence(new Rng(3));
        var c = gen.Sequence(new Rng(4));

        Assert.That(a, Has.Length.EqualTo(20 * 64 * 64));
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(c));
        Assert.That(a.Min(), Is.GreaterThanOrEqualTo(0f));
        Assert.That(a.Max(), Is.LessThanOrEqualTo(1f).And.GreaterThan(0.5f));
    }

    [Test]
    public void OneDigit_MovesAtTheProtocolSpeedAndStaysInside()
    {
        var gen = new MovingMnist(TestData.Images, new MovingMnistOptions { Digits = 1, Frames = 40 }, 0, 100);
        var seq = gen.Sequence(new Rng(11));
        var centroids = Enumerable.Range(0, 40).Select(t => Centroid(seq.AsSpan(t * 4096, 4096))).ToArray();

        for (int t = 1; t < centroids.Length; t++)
        {
            double dx = centroids[t].X - centroids[t - 1].X, dy = centroids[t].Y - centroids[t - 1].Y;
            // 3.6 px per frame; rounding of both positions adds up to one pixel per axis.
            Assert.That(Math.Sqrt(dx * dx + dy * dy), Is.LessThanOrEqualTo(3.6 + 1.5), $"frame {t}");
        }

        // The ink of one digit is the same in every frame: the digit never leaves the canvas.
        double ink0 = seq.AsSpan(0, 4096).ToArray().Sum();
        for (int t = 1; t < 40; t++)
        {
            Assert.That(seq.AsSpan(t * 4096, 4096).ToArray().Sum(), Is.EqualTo(ink0).Within(1e-3), $"frame {t}");
        }
    }

    [Test]
    public void DigitRange_OutsideTheFile_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            _ = new MovingMnist(TestData.Images, new MovingMnistOptions(), 9990, 20));
    }

    private static (double X, double Y) Centroid(ReadOnlySpan<float> frame)
    {
        double sx = 0, sy = 0, s = 0;
        for (int i = 0; i < frame.Length; i++)
        {
            sx += frame[i] * (i % 64);
            sy += frame[i] * (i / 64);
            s += frame[i];
        }

        return (sx / s, sy / s);
    }
}
