using Pipelines.Video.Metrics;
using Rnn.Core;

namespace Pipelines.Video.Tests.Metrics;

[TestFixture]
public sealed class FrameMetricsTests
{
    [Test]
    public void SquaredErrors_SumAndMean()
    {
        float[] p = { 0f, 0.5f, 1f, 1f };
        float[] y = { 0f, 0f, 0f, 1f };

        Assert.That(FrameMetrics.SumSquaredError(p, y), Is.EqualTo(1.25).Within(1e-9));
        Assert.That(FrameMetrics.MeanSquaredError(p, y), Is.EqualTo(0.3125).Within(1e-9));
    }

    [Test]
    public void Ssim_IsOneForIdenticalAndFallsWithDamage()
    {
        var rng = new Rng(9);
        var x = Enumerable.Range(0, 32 * 32).Select(_ => rng.NextFloat()).ToArray();
        var slight = x.Select(v => Math.Clamp(v + 0.05f * (rng.NextFloat() - 0.5f), 0f, 1f)).ToArray();
        var heavy = x.Select(v => Math.Clamp(v + 0.8f * (rng.NextFloat() - 0.5f), 0f, 1f)).ToArray();

        double same = FrameMetrics.Ssim(x, x, 1, 32, 32);
        double a = FrameMetrics.Ssim(slight, x, 1, 32, 32);
        double b = FrameMetrics.Ssim(heavy, x, 1, 32, 32);

        Assert.That(same, Is.EqualTo(1).Within(1e-9));
        Assert.That(a, Is.LessThan(1).And.GreaterThan(b));
        Assert.That(FrameMetrics.Ssim(x, heavy, 1, 32, 32), Is.EqualTo(b).Within(1e-12), "symmetric");
    }

    [Test]
    public void Ssim_OfAConstantPlaneAgainstItsShift_FollowsTheLuminanceTerm()
    {
        // Flat planes have no variance: SSIM reduces to (2 ux uy + C1) / (ux^2 + uy^2 + C1).
        var x = Enumerable.Repeat(0.2f, 16 * 16).ToArray();
        var y = Enumerable.Repeat(0.6f, 16 * 16).ToArray();
        const double c1 = 1e-4;
        double expected = (2 * 0.2 * 0.6 + c1) / (0.04 + 0.36 + c1);

        Assert.That(FrameMetrics.Ssim(x, y, 1, 16, 16), Is.EqualTo(expected).Within(1e-6));
    }

    [Test]
    public void Accumulator_AveragesPerFutureStep()
    {
        var acc = new ScoreAccumulator(2, 1, 2, 2);
        acc.Add(new float[8], new float[] { 1, 0, 0, 0, 1, 1, 0, 0 });
        acc.Add(new float[8], new float[] { 1, 1, 1, 0, 0, 0, 0, 0 });

        var r = acc.Result();

        Assert.That(r.MseSum, Is.EqualTo(new[] { 2.0, 1.0 }).Within(1e-9));
        Assert.That(r.MeanMseSum, Is.EqualTo(1.5).Within(1e-9));
        Assert.That(r.MseMean, Is.EqualTo(new[] { 0.5, 0.25 }).Within(1e-9));
    }
}
