using Rnn.Core.Cpu;

namespace Rnn.Core.Tests.Conformance;

// The one-pass reset-after GRU gate row against the formulas in double precision, on values
// that reach the saturated ends, zero and tiny inputs, in 256-bit vectors (width 21: two
// vectors and a tail of 5) and 512-bit ones (width 45: two of 16, one of 8, a tail of 5).
public sealed class GruGateRowTests
{
    [TestCase(21, false)]
    [TestCase(45, true)]
    public void MatchesTheFormulasAcrossTheRange(int w, bool wide)
    {
        var rng = new Rng(17);
        float[] Pre() => Enumerable.Range(0, w).Select(j => j switch
        {
            0 => 60f, 1 => -60f, 2 => 0f, 3 => 1e-6f, 4 => -3e-5f, _ => rng.Uniform(-6f, 6f),
        }).ToArray();

        float[] z = Pre(), r = Pre(), n = Pre(), hz = Pre(), hr = Pre(), hn = Pre(), hPrev = Pre();
        var (z0, r0, n0) = ((float[])z.Clone(), (float[])r.Clone(), (float[])n.Clone());
        var h = new float[w];
        GruGateRow.Forward(z, r, n, hz, hr, hn, hPrev, h, wide);

        static double Sig(double x) => 1 / (1 + Math.Exp(-x));
        for (int u = 0; u < w; u++)
        {
            double ez = Sig((double)z0[u] + hz[u]), er = Sig((double)r0[u] + hr[u]);
            double en = Math.Tanh(n0[u] + er * hn[u]);
            double eh = en + ez * (hPrev[u] - en);

            // A few float ulps on values of magnitude <= 120 (sums of two inputs of <= 60).
            Assert.That(z[u], Is.EqualTo(ez).Within(2e-6 + 2e-6 * Math.Abs(ez)), $"z {u}");
            Assert.That(r[u], Is.EqualTo(er).Within(2e-6 + 2e-6 * Math.Abs(er)), $"r {u}");
            Assert.That(n[u], Is.EqualTo(en).Within(1e-5), $"n {u}");
            Assert.That(h[u], Is.EqualTo(eh).Within(1e-4), $"h {u}");
        }
    }
}
