// Not "Rnn.Core.Tests.Backends": that namespace would hide the Rnn.Core.Backends class.
namespace Rnn.Core.Tests.Conformance;

/// <summary>
/// Conformance of the fused LSTM/GRU gate kernels. Forward results are compared with a plain
/// double-precision reference of the published equations; backward results with central
/// differences of that reference (h = 1e-6 in double, error ~1e-9), so the test does not share
/// the kernels' derivative algebra. Every kernel works on the second of two steps of a buffer
/// that itself starts at an offset inside its storage, and a padded row checks the mask.
/// Tolerance 2e-5 absolute + 2e-5 relative: float32 gate values of magnitude ~1 after a few
/// multiply-adds.
/// </summary>
public abstract class RecurrentKernelTests : BackendTestBase
{
    private const int Batch = 3;
    private const int Hidden = 5;   // odd, so vector loops have a tail
    private const int PaddedRow = 1;
    private const float Tol = 2e-5f;

    // A [2*batch, width] buffer at a storage offset; the kernel uses the rows of step 1.
    private Tensor StepBuffer(ulong seed, int width) => RandomAtOffset(seed, 3 + (int)(seed % 4), 2 * Batch, width);

    private static int StepOffset(int width) => Batch * width;

    private static float[] StepRows(Tensor buffer, int width) =>
        buffer.ToArray().Skip(StepOffset(width)).Take(Batch * width).ToArray();

    private Tensor Mask()
    {
        var m = Enumerable.Repeat(1f, 2 * Batch).ToArray();
        m[Batch + PaddedRow] = 0f;
        return Make(m, 2 * Batch);
    }

    private static double Sig(double v) => 1 / (1 + Math.Exp(-v));

    // ---- references (one row) ----

    private static (double[] C, double[] H) LstmRef(double[] pre, double[] cp)
    {
        int hd = cp.Length;
        var c = new double[hd];
        var h = new double[hd];
        for (int j = 0; j < hd; j++)
        {
            double i = Sig(pre[j]), f = Sig(pre[hd + j]), g = Math.Tanh(pre[2 * hd + j]), o = Sig(pre[3 * hd + j]);
            c[j] = f * cp[j] + i * g;
            h[j] = o * Math.Tanh(c[j]);
        }

        return (c, h);
    }

    // resetAfter: gh is the full recurrent part. Reset-before: gh's n block is replaced by
    // (r*hp) Un^T + bn computed here from un [hidden, hidden] and bn.
    private static double[] GruRef(bool resetAfter, double[] gi, double[] gh, double[] hp, double[]? un, double[]? bn)
    {
        int hd = hp.Length;
        var z = new double[hd];
        var r = new double[hd];
        for (int j = 0; j < hd; j++)
        {
            z[j] = Sig(gi[j] + gh[j]);
            r[j] = Sig(gi[hd + j] + gh[hd + j]);
        }

        var h = new double[hd];
        for (int j = 0; j < hd; j++)
        {
            double rec;
            if (resetAfter)
            {
                rec = r[j] * gh[2 * hd + j];
            }
            else
            {
                rec = bn![j];
                for (int k = 0; k < hd; k++)
                {
                    rec += un![j * hd + k] * r[k] * hp[k];
                }
            }

            double n = Math.Tanh(gi[2 * hd + j] + rec);
            h[j] = z[j] * hp[j] + (1 - z[j]) * n;
        }

        return h;
    }

    /// <summary>Central differences of f with respect to every element of x (double).</summary>
    private static double[] Numeric(double[] x, Func<double> f)
    {
        const double step = 1e-6;
        var g = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double saved = x[i];
            x[i] = saved + step;
            double plus = f();
            x[i] = saved - step;
            double minus = f();
            x[i] = saved;
            g[i] = (plus - minus) / (2 * step);
        }

        return g;
    }

    private static double[] D(float[] a, int row, int width) =>
        a.Skip(row * width).Take(width).Select(v => (double)v).ToArray();

    private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

    private static void AssertRow(double[] expected, float[] actual, int row, string what)
    {
        int w = expected.Length;
        var got = actual.Skip(row * w).Take(w).ToArray();
        AssertClose(expected.Select(v => (float)v).ToArray(), got, Tol, Tol, $"{what} row {row}");
    }

    // ---- LSTM ----

    [Test]
    public void LstmGatesForwardMatchesReference()
    {
        int g4 = 4 * Hidden;
        var gates = StepBuffer(1, g4);
        var pre = StepRows(gates, g4);
        var cp = StepBuffer(2, Hidden);
        var hp = StepBuffer(3, Hidden);
        var c = StepBuffer(4, Hidden);
        var h = StepBuffer(5, Hidden);
        var cBefore = StorageValues(c);
        int s = StepOffset(Hidden);
        Backend.LstmGatesForward(Batch, Hidden, gates, StepOffset(g4), cp, s, hp, s, c, s, h, s, Mask(), Batch);

        var cOut = StepRows(c, Hidden);
        var hOut = StepRows(h, Hidden);
        var act = StepRows(gates, g4);
        var cpRows = StepRows(cp, Hidden);
        for (int b = 0; b < Batch; b++)
        {
            if (b == PaddedRow)
            {
                AssertRow(D(cpRows, b, Hidden), cOut, b, "padded c");
                AssertRow(D(StepRows(hp, Hidden), b, Hidden), hOut, b, "padded h");
                continue;
            }

            var p = D(pre, b, g4);
            var (rc, rh) = LstmRef(p, D(cpRows, b, Hidden));
            AssertRow(rc, cOut, b, "c");
            AssertRow(rh, hOut, b, "h");
            var expectedAct = p.Select((v, j) => j / Hidden == 2 ? Math.Tanh(v) : Sig(v)).ToArray();
            AssertRow(expectedAct, act, b, "activated gates");
        }

        AssertClose(cBefore.Take(c.Offset + StepOffset(Hidden)).ToArray(),
            StorageValues(c).Take(c.Offset + StepOffset(Hidden)).ToArray(), 0f, 0f, "step 0 and guard of c");
        AssertGuardsIntact(c, cBefore);
    }

    [Test]
    public void LstmGatesBackwardMatchesNumericGradient()
    {
        int g4 = 4 * Hidden;
        int s = StepOffset(Hidden);
        var gates = StepBuffer(11, g4);
        var pre = StepRows(gates, g4);
        var cp = StepBuffer(12, Hidden);
        var hp = StepBuffer(13, Hidden);
        var c = StepBuffer(14, Hidden);
        var h = StepBuffer(15, Hidden);
        var mask = Mask();
        Backend.LstmGatesForward(Batch, Hidden, gates, StepOffset(g4), cp, s, hp, s, c, s, h, s, mask, Batch);

        var dh = StepBuffer(16, Hidden);
        var dc = StepBuffer(17, Hidden);
        var dcIn = StepRows(dc, Hidden);
        var dG = StepBuffer(18, g4);
        var dhPrev = StepBuffer(19, Hidden);
        var dGBefore = StorageValues(dG);
        Backend.LstmGatesBackward(Batch, Hidden, gates, StepOffset(g4), cp, s, c, s, dh, s, dc, s,
            dG, StepOffset(g4), dhPrev, s, mask, Batch);

        var dGOut = StepRows(dG, g4);
        var dcOut = StepRows(dc, Hidden);
        var dhPrevOut = StepRows(dhPrev, Hidden);
        var dhRows = StepRows(dh, Hidden);
        var cpRows = StepRows(cp, Hidden);
        for (int b = 0; b < Batch; b++)
        {
            var wdh = D(dhRows, b, Hidden);
            var wdc = D(dcIn, b, Hidden);
            if (b == PaddedRow)
            {
                AssertRow(new double[g4], dGOut, b, "padded dGates");
                AssertRow(wdc, dcOut, b, "padded dc passes through");
                AssertRow(wdh, dhPrevOut, b, "padded dh passes through");
                continue;
            }

            var p = D(pre, b, g4);
            var cpr = D(cpRows, b, Hidden);
            double Loss()
            {
                var (rc, rh) = LstmRef(p, cpr);
                return Dot(wdh, rh) + Dot(wdc, rc);
            }

            AssertRow(Numeric(p, Loss), dGOut, b, "dGates");
            AssertRow(Numeric(cpr, Loss), dcOut, b, "dcPrev");
            AssertRow(new double[Hidden], dhPrevOut, b, "dhPrev (no direct path in an LSTM)");
        }

        AssertGuardsIntact(dG, dGBefore);
    }

    // ---- GRU ----

    [TestCase(true)]
    [TestCase(false)]
    public void GruForwardAndBackwardMatchReference(bool resetAfter)
    {
        int g3 = 3 * Hidden;
        int s = StepOffset(Hidden);
        int sg = StepOffset(g3);
        var gi = StepBuffer(21, g3);
        var giPre = StepRows(gi, g3);
        var gh = StepBuffer(22, g3);
        var hp = StepBuffer(23, Hidden);
        var h = StepBuffer(24, Hidden);
        var rh = StepBuffer(25, Hidden);
        var un = RandomArray(26, Hidden * Hidden);
        var bn = RandomArray(27, Hidden);
        var mask = Mask();
        var hpRows = StepRows(hp, Hidden);

        if (!resetAfter)
        {
            // The caller's part between the two kernels: gh_n = (r*h) Un^T + bn, done on the host.
            Backend.GruResetForward(Batch, Hidden, gi, sg, gh, sg, hp, s, rh, s, mask, Batch);
            var ghAll = gh.ToArray();
            var rhRows = StepRows(rh, Hidden);
            for (int b = 0; b < Batch; b++)
            {
                for (int j = 0; j < Hidden; j++)
                {
                    double v = bn[j];
                    for (int k = 0; k < Hidden; k++)
                    {
                        v += un[j * Hidden + k] * rhRows[b * Hidden + k];
                    }

                    ghAll[sg + b * g3 + 2 * Hidden + j] = (float)v;
                }
            }

            Backend.CopyFromHost(ghAll, gh);
        }

        var ghRows = StepRows(gh, g3);
        Backend.GruGatesForward(resetAfter, Batch, Hidden, gi, sg, gh, sg, hp, s, h, s, mask, Batch);
        var hOut = StepRows(h, Hidden);

        var dh = StepBuffer(28, Hidden);
        var dGi = StepBuffer(29, g3);
        var dGh = StepBuffer(30, g3);
        var dhPrev = StepBuffer(31, Hidden);
        var dGhBefore = StorageValues(dGh);
        Backend.GruGatesBackward(resetAfter, Batch, Hidden, gi, sg, gh, sg, hp, s, dh, s,
            dGi, sg, dGh, sg, dhPrev, s, mask, Batch);
        if (!resetAfter)
        {
            // dRh = dGh_n Un, on the host, then the reset-gate backward.
            var dGhRows = StepRows(dGh, g3);
            var dRh = new float[Batch * Hidden];
            for (int b = 0; b < Batch; b++)
            {
                for (int k = 0; k < Hidden; k++)
                {
                    double v = 0;
                    for (int j = 0; j < Hidden; j++)
                    {
                        v += dGhRows[b * g3 + 2 * Hidden + j] * un[j * Hidden + k];
                    }

                    dRh[b * Hidden + k] = (float)v;
                }
            }

            Backend.GruResetBackward(Batch, Hidden, gi, sg, hp, s, Make(dRh, Batch, Hidden), 0,
                dGi, sg, dGh, sg, dhPrev, s, mask, Batch);
        }

        var dGiOut = StepRows(dGi, g3);
        var dGhOut = StepRows(dGh, g3);
        var dhPrevOut = StepRows(dhPrev, Hidden);
        var dhRows = StepRows(dh, Hidden);
        for (int b = 0; b < Batch; b++)
        {
            var w = D(dhRows, b, Hidden);
            if (b == PaddedRow)
            {
                AssertRow(D(hpRows, b, Hidden), hOut, b, "padded h");
                AssertRow(new double[g3], dGiOut, b, "padded dGi");
                AssertRow(new double[g3], dGhOut, b, "padded dGh");
                AssertRow(w, dhPrevOut, b, "padded dh passes through");
                continue;
            }

            var x = D(giPre, b, g3);
            var r = D(ghRows, b, g3);
            var hpr = D(hpRows, b, Hidden);
            var bnd = bn.Select(v => (double)v).ToArray();
            var und = un.Select(v => (double)v).ToArray();
            double Loss() => Dot(w, GruRef(resetAfter, x, r, hpr, und, bnd));

            AssertRow(GruRef(resetAfter, x, r, hpr, und, bnd), hOut, b, "h");
            AssertRow(Numeric(x, Loss), dGiOut, b, "dGi");
            AssertRow(Numeric(hpr, Loss), dhPrevOut, b, "dhPrev (gh held fixed)");
            var dghExpected = Numeric(r, Loss);
            if (!resetAfter)
            {
                // gh's n block is recomputed from r*h inside the reference; its gradient is bn's.
                Numeric(bnd, Loss).CopyTo(dghExpected, 2 * Hidden);
            }

            AssertRow(dghExpected, dGhOut, b, "dGh");
        }

        AssertGuardsIntact(dGh, dGhBefore);
    }
}
