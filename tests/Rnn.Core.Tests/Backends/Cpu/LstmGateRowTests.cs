using Rnn.Core.Cpu;

namespace Rnn.Core.Tests.Conformance;

// The one-pass LSTM gate row against the formulas in double precision, on values that reach the
// saturated ends (+-60, where e^x overflows float), zero and tiny inputs (where tanh's
// (1 - e)/(1 + e) form cancels), in 256-bit vectors (width 21: two vectors and a scalar tail of
// 5) and 512-bit ones (width 45: two of 16, one of 8, a tail of 5).
public sealed class LstmGateRowTests
{
    [TestCase(21, false)]
    [TestCase(45, true)]
    public void MatchesTheFormulasAcrossTheRange(int w, bool wide)
    {
        var rng = new Rng(9);
        float[] Pre() => Enumerable.Range(0, w).Select(j => j switch
        {
            0 => 60f, 1 => -60f, 2 => 0f, 3 => 1e-6f, 4 => -3e-5f, _ => rng.Uniform(-6f, 6f),
        }).ToArray();

        float[] i = Pre(), f = Pre(), g = Pre(), o = Pre(), cPrev = Pre();
        var (i0, f0, g0, o0) = ((float[])i.Clone(), (float[])f.Clone(), (float[])g.Clone(), (float[])o.Clone());
        var c = new float[w];
        var h = new float[w];
        LstmGateRow.Forward(i, f, g, o, cPrev, c, h, wide);

        static double Sig(double x) => 1 / (1 + Math.Exp(-x));
        for (int u = 0; u < w; u++)
        {
            double ei = Sig(i0[u]), ef = Sig(f0[u]), eg = Math.Tanh(g0[u]), eo = Sig(o0[u]);
            double ec = ef * cPrev[u] + ei * eg;

            // A few float ulps on values of magnitude <= 60: 2e-6 absolute + 2e-6 relative.
            Assert.That(i[u], Is.EqualTo(ei).Within(2e-6 + 2e-6 * Math.Abs(ei)), $"i {u}");
            Assert.That(f[u], Is.EqualTo(ef).Within(2e-6 + 2e-6 * Math.Abs(ef)), $"f {u}");
            Assert.That(g[u], Is.EqualTo(eg).Within(2e-6 + 2e-6 * Math.Abs(eg)), $"g {u}");
            Assert.That(o[u], Is.EqualTo(eo).Within(2e-6 + 2e-6 * Math.Abs(eo)), $"o {u}");
            Assert.That(c[u], Is.EqualTo(ec).Within(1e-5 + 2e-6 * Math.Abs(ec)), $"c {u}");
            Assert.That(h[u], Is.EqualTo(eo * Math.Tanh(ec)).Within(1e-5), $"h {u}");
        }
    }
}
