// Not "Rnn.Core.Tests.Backends": that namespace would hide the Rnn.Core.Backends class from the
// other test namespaces (the simd helper's conformance suite uses this namespace too).
namespace Rnn.Core.Tests.Conformance;

// Conformance of the fused optimizer kernels against a plain double-precision reference of the
// published update rules. Tolerance: the kernels run in float32, so a few ulps of relative error
// per step; 1e-5 relative over three steps is loose enough for any rounding order and tight
// enough to catch a wrong term (each term moves the result by far more).
public abstract class OptimKernelTests : BackendTestBase
{
    // Odd length so vector loops have a scalar tail; > 2^15 in the large case to cross blocks.
    private const int Length = 37;

    private static float[] Data(ulong seed, int n, float scale = 1f)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => scale * rng.Uniform(-1f, 1f)).ToArray();
    }

    private static void AssertClose(float[] actual, double[] expected, string what)
    {
        for (int i = 0; i < actual.Length; i++)
        {
            double tol = 1e-5 * Math.Max(1.0, Math.Abs(expected[i]));
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(tol), $"{what}[{i}]");
        }
    }

    [TestCase(0f, 0f, false)]
    [TestCase(0.9f, 0f, false)]
    [TestCase(0.9f, 0.01f, true)]
    [TestCase(0f, 0.1f, false)]
    public void SgdStepMatchesReference(float momentum, float decay, bool nesterov)
    {
        var be = CreateBackend();
        float lr = 0.05f;
        var p0 = Data(1, Length);
        var p = be.FromArray(p0, new[] { Length });
        var vel = momentum > 0 ? be.Zeros(new[] { Length }) : null;
        var rp = p0.Select(x => (double)x).ToArray();
        var rv = new double[Length];
        for (int step = 0; step < 3; step++)
        {
            var g0 = Data(10 + (ulong)step, Length);
            be.SgdStep(p, be.FromArray(g0, new[] { Length }), vel, lr, momentum, decay, nesterov);
            for (int i = 0; i < Length; i++)
            {
                double d = g0[i] + decay * rp[i];
                if (momentum > 0)
                {
                    rv[i] = momentum * rv[i] + d;
                    d = nesterov ? d + momentum * rv[i] : rv[i];
                }

                rp[i] -= lr * d;
            }
        }

        AssertClose(p.ToArray(), rp, "param");
        if (vel is not null)
        {
            AssertClose(vel.ToArray(), rv, "velocity");
        }
    }

    [TestCase(0f, false, Length)]
    [TestCase(0.1f, false, Length)]
    [TestCase(0.1f, true, Length)]
    [TestCase(0.05f, true, (1 << 15) * 2 + 5)]
    public void AdamStepMatchesReference(float decay, bool decoupled, int n)
    {
        var be = CreateBackend();
        const float lr = 0.01f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
        var p0 = Data(2, n);
        var p = be.FromArray(p0, new[] { n });
        var m = be.Zeros(new[] { n });
        var v = be.Zeros(new[] { n });
        var rp = p0.Select(x => (double)x).ToArray();
        var rm = new double[n];
        var rv = new double[n];
        for (int step = 1; step <= 3; step++)
        {
            var g0 = Data(20 + (ulong)step, n, 0.5f);
            be.AdamStep(p, be.FromArray(g0, new[] { n }), m, v, lr, b1, b2, eps, decay, decoupled, step);
            for (int i = 0; i < n; i++)
            {
                double g = g0[i] + (decoupled ? 0 : decay * rp[i]);
                if (decoupled)
                {
                    rp[i] *= 1 - lr * decay;
                }

                rm[i] = b1 * rm[i] + (1 - b1) * g;
                rv[i] = b2 * rv[i] + (1 - b2) * g * g;
                double mHat = rm[i] / (1 - Math.Pow(b1, step));
                double vHat = rv[i] / (1 - Math.Pow(b2, step));
                rp[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        }

        AssertClose(p.ToArray(), rp, "param");
        AssertClose(m.ToArray(), rm, "m");
        AssertClose(v.ToArray(), rv, "v");
    }

    [Test]
    public void UpdatesHonourOffsetsAndStayInsideTheirTensors()
    {
        // Views one time step into a bigger buffer, the way fused layers hand out parameters.
        var be = Backend;
        var p = RandomAtOffset(30, 3, Length);
        var g = RandomAtOffset(31, 7, Length);
        var m = RandomAtOffset(32, 1, Length);
        var v = Make(RandomArray(33, Length, 0f, 1f), Length);
        var vel = RandomAtOffset(34, 2, Length);
        var (p0, g0, m0, v0, vel0) = (p.ToArray(), g.ToArray(), m.ToArray(), v.ToArray(), vel.ToArray());
        var (pBefore, gBefore) = (StorageValues(p), StorageValues(g));
        var (mBefore, velBefore) = (StorageValues(m), StorageValues(vel));

        be.AdamStep(p, g, m, v, 0.01f, 0.9f, 0.999f, 1e-8f, 0.1f, true, 2);
        be.SgdStep(p, g, vel, 0.1f, 0.9f, 0.01f, true);

        var pRef = Make(p0, Length);
        var gRef = Make(g0, Length);
        var velRef = Make(vel0, Length);
        be.AdamStep(pRef, gRef, Make(m0, Length), Make(v0, Length), 0.01f, 0.9f, 0.999f, 1e-8f, 0.1f, true, 2);
        be.SgdStep(pRef, gRef, velRef, 0.1f, 0.9f, 0.01f, true);
        Assert.That(p.ToArray(), Is.EqualTo(pRef.ToArray()));
        Assert.That(vel.ToArray(), Is.EqualTo(velRef.ToArray()));
        Assert.That(g.ToArray(), Is.EqualTo(g0), "the gradient is read only");
        AssertGuardsIntact(p, pBefore);
        AssertGuardsIntact(g, gBefore);
        AssertGuardsIntact(m, mBefore);
        AssertGuardsIntact(vel, velBefore);
    }

    [Test]
    public void AdamRejectsStepZero()
    {
        var be = CreateBackend();
        var t = be.Zeros(new[] { 3 });
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            be.AdamStep(t, t.Clone(), t.Clone(), t.Clone(), 0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, 0));
    }
}
