namespace Rnn.Core.Tests.Conformance;

/// <summary>
/// Plain, obviously-correct host implementations that the conformance suite compares every
/// backend against. Written from the definitions (no im2col, no blocking) and never calling a
/// backend.
/// </summary>
public static partial class Reference
{
    /// <summary>Direct NCHW cross-correlation: y[n,o,oh,ow] = b[o] + sum x[n,c,ih,iw] * w[o,c,i,j].</summary>
    public static float[] Conv2D(float[] x, int[] xs, float[] w, int[] ws, float[]? bias, Conv2DSpec s)
    {
        int batch = xs[0], cin = xs[1], h = xs[2], wd = xs[3], cout = ws[0];
        int oh = s.OutHeight(h), ow = s.OutWidth(wd);
        var y = new float[batch * cout * oh * ow];
        for (int n = 0; n < batch; n++)
        for (int o = 0; o < cout; o++)
        for (int p = 0; p < oh; p++)
        for (int q = 0; q < ow; q++)
        {
            double sum = bias?[o] ?? 0f;
            for (int c = 0; c < cin; c++)
            for (int i = 0; i < s.KernelH; i++)
            for (int j = 0; j < s.KernelW; j++)
            {
                int ih = p * s.StrideH - s.PadH + i * s.DilationH;
                int iw = q * s.StrideW - s.PadW + j * s.DilationW;
                if (ih >= 0 && ih < h && iw >= 0 && iw < wd)
                {
                    double xv = x[((n * cin + c) * h + ih) * wd + iw];
                    sum += xv * w[((o * cin + c) * s.KernelH + i) * s.KernelW + j];
                }
            }

            y[((n * cout + o) * oh + p) * ow + q] = (float)sum;
        }

        return y;
    }

    /// <summary>
    /// Both convolution gradients from the same direct loop: every product x*w that fed y
    /// sends dy*w to dx and dy*x to dw.
    /// </summary>
    public static (float[] Dx, float[] Dw, float[] Db) Conv2DBackward(
        float[] x, int[] xs, float[] w, int[] ws, float[] dy, Conv2DSpec s)
    {
        int batch = xs[0], cin = xs[1], h = xs[2], wd = xs[3], cout = ws[0];
        int oh = s.OutHeight(h), ow = s.OutWidth(wd);
        var dx = new double[x.Length];
        var dw = new double[w.Length];
        var db = new double[cout];
        for (int n = 0; n < batch; n++)
        for (int o = 0; o < cout; o++)
        for (int p = 0; p < oh; p++)
        for (int q = 0; q < ow; q++)
        {
            double g = dy[((n * cout + o) * oh + p) * ow + q];
            db[o] += g;
            for (int c = 0; c < cin; c++)
            for (int i = 0; i < s.KernelH; i++)
            for (int j = 0; j < s.KernelW; j++)
            {
                int ih = p * s.StrideH - s.PadH + i * s.DilationH;
                int iw = q * s.StrideW - s.PadW + j * s.DilationW;
                if (ih >= 0 && ih < h && iw >= 0 && iw < wd)
                {
                    int xi = ((n * cin + c) * h + ih) * wd + iw;
                    int wi = ((o * cin + c) * s.KernelH + i) * s.KernelW + j;
                    dx[xi] += g * w[wi];
                    dw[wi] += g * x[xi];
                }
            }
        }

        return (ToFloat(dx), ToFloat(dw), ToFloat(db));
    }

    /// <summary>Pooling by definition: max (first maximum wins) or mean of in-image taps.</summary>
    public static float[] Pool(float[] x, int[] xs, Conv2DSpec s, bool max)
    {
        int planes = xs[0] * xs[1], h = xs[2], wd = xs[3];
        int oh = s.OutHeight(h), ow = s.OutWidth(wd);
        var y = new float[planes * oh * ow];
        for (int pl = 0; pl < planes; pl++)
        for (int p = 0; p < oh; p++)
        for (int q = 0; q < ow; q++)
        {
            var taps = Taps(pl, h, wd, p, q, s).Select(i => x[i]).ToList();
            float v = taps.Count == 0 ? (max ? float.NegativeInfinity : 0f) : max ? taps.Max() : taps.Average();
            y[(pl * oh + p) * ow + q] = v;
        }

        return y;
    }

    /// <summary>Gradient of <see cref="Pool"/> w.r.t. x for output gradient dy.</summary>
    public static float[] PoolBackward(float[] x, int[] xs, Conv2DSpec s, bool max, float[] dy)
    {
        int planes = xs[0] * xs[1], h = xs[2], wd = xs[3];
        int oh = s.OutHeight(h), ow = s.OutWidth(wd);
        var dx = new double[x.Length];
        for (int pl = 0; pl < planes; pl++)
        for (int p = 0; p < oh; p++)
        for (int q = 0; q < ow; q++)
        {
            var taps = Taps(pl, h, wd, p, q, s).ToList();
            double g = dy[(pl * oh + p) * ow + q];
            if (taps.Count == 0)
            {
                continue;
            }

            if (max)
            {
                int best = taps[0];
                foreach (int t in taps)
                {
                    best = x[t] > x[best] ? t : best;
                }

                dx[best] += g;
            }
            else
            {
                foreach (int t in taps)
                {
                    dx[t] += g / taps.Count;
                }
            }
        }

        return ToFloat(dx);
    }

    // Flat indices of the in-image taps of window (p, q) of plane pl, in row-major window order.
    private static IEnumerable<int> Taps(int pl, int h, int wd, int p, int q, Conv2DSpec s)
    {
        for (int i = 0; i < s.KernelH; i++)
        for (int j = 0; j < s.KernelW; j++)
        {
            int ih = p * s.StrideH - s.PadH + i * s.DilationH;
            int iw = q * s.StrideW - s.PadW + j * s.DilationW;
            if (ih >= 0 && ih < h && iw >= 0 && iw < wd)
            {
                yield return (pl * h + ih) * wd + iw;
            }
        }
    }

    internal static float[] ToFloat(double[] v) => v.Select(d => (float)d).ToArray();
}
