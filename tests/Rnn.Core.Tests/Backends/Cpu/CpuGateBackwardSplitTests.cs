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

    // The one-pass LSTM backward row (LstmGateRow.Backward): its 16-wide, 8-wide and scalar
    // parts against the formulas in double precision. 45 units: two 16-unit blocks, one 8-unit
    // block and a tail of 5 on AVX-512; five 8-unit blocks and a tail elsewhere.
    [TestCase(CpuSimd.Avx512)]
    [TestCase(CpuSimd.Avx2)]
    [TestCase(CpuSimd.Scalar)]
    public void LstmBackwardRowMatchesTheFormulas(CpuSimd simd)
    {
        const int batch = 3, hidden = 45;
        var be = new CpuBackend(1, simd);
        Tensor T(float[] v) => be.FromArray(v, new[] { v.Length });
        float[] gates = Values(11, batch * 4 * hidden, 0.05f, 0.95f), cPrev = Values(12, batch * hidden),
            c = Values(13, batch * hidden, -2f, 2f), dh = Values(14, batch * hidden), dc = Values(15, batch * hidden);
        var dG = be.Zeros(new[] { batch * 4 * hidden });
        var dcT = T(dc);
        var dhPrev = T(Values(16, batch * hidden));
        be.LstmGatesBackward(batch, hidden, T(gates), 0, T(cPrev), 0, T(c), 0, T(dh), 0, dcT, 0, dG, 0, dhPrev, 0);
        float[] got = dG.ToArray(), gotDc = dcT.ToArray();
        for (int b = 0; b < batch; b++)
        {
            for (int u = 0; u < hidden; u++)
            {
                int r = b * hidden + u, g = b * 4 * hidden + u;
                double i = gates[g], f = gates[g + hidden], gg = gates[g + 2 * hidden], o = gates[g + 3 * hidden];
                double tc = Math.Tanh(c[r]);
                double total = dc[r] + dh[r] * o * (1 - tc * tc);
                var expected = new[]
                {
                    total * gg * i * (1 - i), total * cPrev[r] * f * (1 - f), total * i * (1 - gg * gg),
                    dh[r] * tc * o * (1 - o),
                };
                for (int k = 0; k < 4; k++)
                {
                    Assert.That(got[g + k * hidden], Is.EqualTo(expected[k]).Within(1e-5),
                        $"row {b} unit {u} gate {k}");
                }

                Assert.That(gotDc[r], Is.EqualTo(total * f).Within(1e-5), $"dc row {b} unit {u}");
            }
        }

        Assert.That(dhPrev.ToArray(), Is.All.EqualTo(0f), "dh_{t-1} is cleared for the GEMM to add to");
    }

    // The GRU backward gate pass against the formulas in double precision, both variants, on
    // every instruction set (45 units: vector blocks and a tail).
    [TestCase(CpuSimd.Avx512, true)]
    [TestCase(CpuSimd.Avx512, false)]
    [TestCase(CpuSimd.Avx2, true)]
    [TestCase(CpuSimd.Scalar, false)]
    public void GruBackwardRowMatchesTheFormulas(CpuSimd simd, bool resetAfter)
    {
        const int batch = 3, hidden = 45;
        var be = new CpuBackend(1, simd);
        Tensor T(float[] v) => be.FromArray(v, new[] { v.Length });
        float[] gi = Values(21, batch * 3 * hidden, 0.05f, 0.95f), gh = Values(22, batch * 3 * hidden),
            hPrev = Values(23, batch * hidden), dh = Values(24, batch * hidden);
        var dGi = T(Values(25, batch * 3 * hidden));
        var dGh = T(Values(26, batch * 3 * hidden));
        var dhPrev = T(Values(27, batch * hidden));
        be.GruGatesBackward(resetAfter, batch, hidden, T(gi), 0, T(gh), 0, T(hPrev), 0, T(dh), 0, dGi, 0, dGh, 0,
            dhPrev, 0);
        float[] gotI = dGi.ToArray(), gotH = dGh.ToArray(), gotP = dhPrev.ToArray();
        for (int b = 0; b < batch; b++)
        {
            for (int u = 0; u < hidden; u++)
            {
                int row = b * hidden + u, g = b * 3 * hidden + u;
                double z = gi[g], r = gi[g + hidden], n = gi[g + 2 * hidden], d = dh[row];
                double dz = d * (hPrev[row] - n) * z * (1 - z);
                double dn = d * (1 - z) * (1 - n * n);
                double dr = resetAfter ? dn * gh[g + 2 * hidden] * r * (1 - r) : 0;
                var expectedI = new[] { dz, dr, dn };
                var expectedH = new[] { dz, dr, resetAfter ? dn * r : dn };
                for (int k = 0; k < 3; k++)
                {
                    Assert.That(gotI[g + k * hidden], Is.EqualTo(expectedI[k]).Within(1e-5), $"dGi {b},{u},{k}");
                    Assert.That(gotH[g + k * hidden], Is.EqualTo(expectedH[k]).Within(1e-5), $"dGh {b},{u},{k}");
                }

                Assert.That(gotP[row], Is.EqualTo(d * z).Within(1e-6), $"dh_(t-1) {b},{u}");
            }
        }
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
