namespace Rnn.Core.Tests.Conformance;

// The backward gate passes split by rows over two threads (batch x hidden past the parallel
// threshold) against the same pass on one thread: rows are independent, so the results must be
// identical, padded rows included.
public sealed class CpuGateBackwardSplitTests
{
    private const int Batch = 16, Hidden = 600;

    private static float[] Values(ulong seed, int n, float lo = -1f, float hi = 1f)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => rng.Uniform(lo, hi)).ToArray();
    }

    private static float[] Mask() => Enumerable.Range(0, Batch).Select(b => b % 5 == 3 ? 0f : 1f).ToArray();

    [Test]
    public void LstmBackwardOnTwoThreadsEqualsOneThread()
    {
        float[][] Run(int threads)
        {
            var be = new CpuBackend(threads, CpuSimd.Auto);
            Tensor T(float[] v) => be.FromArray(v, new[] { v.Length });
            var gates = T(Values(1, Batch * 4 * Hidden, 0.05f, 0.95f));
            var cPrev = T(Values(2, Batch * Hidden));
            var c = T(Values(3, Batch * Hidden));
            var dh = T(Values(4, Batch * Hidden));
            var dc = T(Values(5, Batch * Hidden));
            var dG = be.Zeros(new[] { Batch * 4 * Hidden });
            var dhPrev = T(Values(6, Batch * Hidden));
            be.LstmGatesBackward(Batch, Hidden, gates, 0, cPrev, 0, c, 0, dh, 0, dc, 0, dG, 0, dhPrev, 0,
                T(Mask()), 0);
            return new[] { dG.ToArray(), dc.ToArray(), dhPrev.ToArray() };
        }

        var one = Run(1);
        var two = Run(2);
        for (int i = 0; i < one.Length; i++)
        {
            Assert.That(two[i], Is.EqualTo(one[i]), $"output {i}");
        }

        Assert.That(one[0].Any(v => v != 0f), Is.True, "the pass wrote gradients");
    }

    [TestCase(true)]
    [TestCase(false)]
    public void GruBackwardOnTwoThreadsEqualsOneThread(bool resetAfter)
    {
        float[][] Run(int threads)
        {
            var be = new CpuBackend(threads, CpuSimd.Auto);
            Tensor T(float[] v) => be.FromArray(v, new[] { v.Length });
            var gi = T(Values(7, Batch * 3 * Hidden, 0.05f, 0.95f));
            var gh = T(Values(8, Batch * 3 * Hidden));
            var hPrev = T(Values(9, Batch * Hidden));
            var dh = T(Values(10, Batch * Hidden));
            var dGi = be.Zeros(new[] { Batch * 3 * Hidden });
            var dGh = be.Zeros(new[] { Batch * 3 * Hidden });
            var dhPrev = T(Values(11, Batch * Hidden));
            be.GruGatesBackward(resetAfter, Batch, Hidden, gi, 0, gh, 0, hPrev, 0, dh, 0, dGi, 0, dGh, 0, dhPrev, 0,
                T(Mask()), 0);
            return new[] { dGi.ToArray(), dGh.ToArray(), dhPrev.ToArray() };
        }

        var one = Run(1);
        var two = Run(2);
        for (int i = 0; i < one.Length; i++)
        {
            Assert.That(two[i], Is.EqualTo(one[i]), $"output {i}");
        }

        Assert.That(one[0].Any(v => v != 0f), Is.True, "the pass wrote gradients");
    }
}
