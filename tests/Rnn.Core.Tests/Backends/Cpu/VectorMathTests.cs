using System.Runtime.Intrinsics;
using Rnn.Core.Cpu;

namespace Rnn.Core.Tests.Conformance;

// The float exponential of the gate kernels against double-precision e^x: a sweep over the
// range the gates use, the clamped ends, and NaN.
public sealed class VectorMathTests
{
    [Test]
    public void ExpIsWithinTwoUlpsOverTheUnclampedRange()
    {
        double worst = 0;
        for (int i = 0; i < 20_000; i++)
        {
            float x = -87f + 175f * i / 20_000;
            float got = VectorMath.Exp(Vector256.Create(x)).GetElement(3);
            double want = Math.Exp(x);
            worst = Math.Max(worst, Math.Abs(got - want) / want);
        }

        Assert.That(worst, Is.LessThan(2.5e-7), "relative error (a float ulp is 6e-8 to 1.2e-7)");
    }

    [Test]
    public void ClampedEndsAndNaN()
    {
        var x = Vector256.Create(-1000f, -88f, 0f, 1f, 89f, 1000f, float.NaN, float.NegativeInfinity);
        var e = VectorMath.Exp(x);
        Assert.That(e.GetElement(0), Is.InRange(0f, 2e-38f), "far below the range: about 1e-38, not 0");
        Assert.That(e.GetElement(2), Is.EqualTo(1f));
        Assert.That(e.GetElement(3), Is.EqualTo(MathF.E).Within(3e-7f));
        Assert.That(e.GetElement(5), Is.GreaterThan(1e38f), "far above: a large finite value");
        Assert.That(float.IsNaN(e.GetElement(6)), Is.True, "NaN stays NaN");
        Assert.That(e.GetElement(7), Is.InRange(0f, 2e-38f));
        Assert.That(float.IsFinite(e.GetElement(4)), Is.True);
    }

    [Test]
    public void WideExpMatchesTheNarrowOneLaneForLane()
    {
        var x = Vector512.Create(-1000f, -88f, -87f, -20.5f, -1f, -1e-7f, 0f, 1e-7f,
            0.5f, 1f, 3.25f, 20f, 88f, 89f, float.NaN, float.NegativeInfinity);
        var wide = VectorMath.Exp(x);
        var low = VectorMath.Exp(x.GetLower());
        var high = VectorMath.Exp(x.GetUpper());
        for (int lane = 0; lane < 16; lane++)
        {
            float narrow = lane < 8 ? low.GetElement(lane) : high.GetElement(lane - 8);
            Assert.That(wide.GetElement(lane), Is.EqualTo(narrow), $"lane {lane}");
        }
    }
}
