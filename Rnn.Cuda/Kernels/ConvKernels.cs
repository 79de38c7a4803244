using ILGPU;

namespace Rnn.Cuda.Kernels;

/// <summary>
/// Direct NCHW convolution and pooling kernels. Each thread owns one output element of its
/// pass (y, dx or dw) and sums what contributes to it, so no two threads write one element and
/// results do not depend on scheduling. Pooling backward runs one thread per plane, because
/// overlapping windows add into shared dx elements.
/// </summary>
internal static class ConvKernels
{
    public static void Forward(
        Index1D i, ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> y, ConvArgs p)
    {
        int ow = i % p.OutW;
        int oh = (i / p.OutW) % p.OutH;
        int o = (i / (p.OutW * p.OutH)) % p.OutC;
        int n = i / (p.OutW * p.OutH * p.OutC);
        float sum = p.HasBias != 0 ? bias[o] : 0f;
        for (int c = 0; c < p.InC; c++)
        {
            for (int kh = 0; kh < p.KH; kh++)
            {
                int ih = oh * p.SH - p.PH + kh * p.DH;
                if (ih < 0 || ih >= p.H)
                {
                    continue;
                }

                for (int kw = 0; kw < p.KW; kw++)
                {
                    int iw = ow * p.SW - p.PW + kw * p.DW;
                    if (iw >= 0 && iw < p.W)
                    {
                        sum += x[((n * p.InC + c) * p.H + ih) * p.W + iw] *
                            w[((o * p.InC + c) * p.KH + kh) * p.KW + kw];
                    }
                }
            }
        }

        y[i] = sum;
    }

    /// <summary>dx[n, c, ih, iw] += sum of dy * w over the (o, kh, kw) whose window tap lands on (ih, iw).</summary>
    public static void BackwardData(Index1D i, ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx, ConvArgs p)
    {
        int iw = i % p.W;
        int ih = (i / p.W) % p.H;
        int c = (i / (p.W * p.H)) % p.InC;
        int n = i / (p.W * p.H * p.InC);
        float sum = 0f;
        for (int kh = 0; kh < p.KH; kh++)
        {
            int th = ih + p.PH - kh * p.DH;   // = oh * stride when this tap lands here
            if (th < 0 || th % p.SH != 0 || th / p.SH >= p.OutH)
            {
                continue;
            }

            for (int kw = 0; kw < p.KW; kw++)
            {
                int tw = iw + p.PW - kw * p.DW;
                if (tw < 0 || tw % p.SW != 0 || tw / p.SW >= p.OutW)
                {
                    continue;
                }

                int oh = th / p.SH;
                int ow = tw / p.SW;
                for (int o = 0; o < p.OutC; o++)
                {
                    sum += dy[((n * p.OutC + o) * p.OutH + oh) * p.OutW + ow] *
                        w[((o * p.InC + c) * p.KH + kh) * p.KW + kw];
                }
            }
        }

        dx[i] += sum;
    }

    /// <summary>dw[o, c, kh, kw] += sum over samples and output positions of x tap * dy.</summary>
    public static void BackwardFilter(
        Index1D i, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dw, ConvArgs p)
    {
        int kw = i % p.KW;
        int kh = (i / p.KW) % p.KH;
        int c = (i / (p.KW * p.KH)) % p.InC;
        int o = i / (p.KW * p.KH * p.InC);
        float sum = 0f;
        for (int n = 0; n < p.Batch; n++)
        {
            for (int oh = 0; oh < p.OutH; oh++)
            {
                int ih = oh * p.SH - p.PH + kh * p.DH;
                if (ih < 0 || ih >= p.H)
                {
                    continue;
                }

                for (int ow = 0; ow < p.OutW; ow++)
                {
                    int iw = ow * p.SW - p.PW + kw * p.DW;
                    if (iw >= 0 && iw < p.W)
                    {
                        sum += x[((n * p.InC + c) * p.H + ih) * p.W + iw] *
                            dy[((n * p.OutC + o) * p.OutH + oh) * p.OutW + ow];
                    }
                }
            }
        }

        dw[i] += sum;
    }

    /// <summary>db[o] += dy summed over samples and positions.</summary>
    public static void BackwardBias(Index1D o, ArrayView<float> dy, ArrayView<float> db, ConvArgs p)
    {
        int plane = p.OutH * p.OutW;
        float sum = 0f;
        for (int n = 0; n < p.Batch; n++)
        {
            int start = (n * p.OutC + o) * plane;
            for (int q = 0; q < plane; q++)
            {
                sum += dy[start + q];
            }
        }

        db[o] += sum;
    }

    // Index in x of the first maximum of output position (plane, oh, ow)'s window, -1 when the
    // window lies wholly in the padding. Row-major window order, strict '>' so ties keep the first.
    private static int ArgMax(ArrayView<float> x, int plane, int oh, int ow, ConvArgs p)
    {
        int best = -1;
        float max = float.NegativeInfinity;
        for (int kh = 0; kh < p.KH; kh++)
        {
            int ih = oh * p.SH - p.PH + kh * p.DH;
            if (ih < 0 || ih >= p.H)
            {
                continue;
            }

            for (int kw = 0; kw < p.KW; kw++)
            {
                int iw = ow * p.SW - p.PW + kw * p.DW;
                if (iw < 0 || iw >= p.W)
                {
                    continue;
                }

                int at = (plane * p.H + ih) * p.W + iw;
                if (best < 0 || x[at] > max)
                {
                    best = at;
                    max = x[at];
                }
            }
        }

        return best;
    }

    public static void MaxPool(Index1D i, ArrayView<float> x, ArrayView<float> y, ConvArgs p)
    {
        int ow = i % p.OutW;
        int oh = (i / p.OutW) % p.OutH;
        int plane = i / (p.OutW * p.OutH);
        int at = ArgMax(x, plane, oh, ow, p);
        y[i] = at < 0 ? float.NegativeInfinity : x[at];
    }

    public static void MaxPoolBackward(
        Index1D plane, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, ConvArgs p)
    {
        int outPlane = p.OutH * p.OutW;
        for (int q = 0; q < outPlane; q++)
        {
            int at = ArgMax(x, plane, q / p.OutW, q % p.OutW, p);
            if (at >= 0)
            {
                dx[at] += dy[plane * outPlane + q];
            }
        }
    }

    // Sum (into sum) and count of the in-image taps of a window; with scatter != 0 adds share to dx instead.
    private static int Taps(
        ArrayView<float> x, int plane, int oh, int ow, ConvArgs p, int scatter, float share, out float sum)
    {
        sum = 0f;
        int count = 0;
        for (int kh = 0; kh < p.KH; kh++)
        {
            int ih = oh * p.SH - p.PH + kh * p.DH;
            if (ih < 0 || ih >= p.H)
            {
                continue;
            }

            for (int kw = 0; kw < p.KW; kw++)
            {
                int iw = ow * p.SW - p.PW + kw * p.DW;
                if (iw < 0 || iw >= p.W)
                {
                    continue;
                }

                int at = (plane * p.H + ih) * p.W + iw;
                if (scatter != 0)
                {
                    x[at] += share;
                }
                else
                {
                    sum += x[at];
                }

                count++;
            }
        }

        return count;
    }

    public static void AvgPool(Index1D i, ArrayView<float> x, ArrayView<float> y, ConvArgs p)
    {
        int ow = i % p.OutW;
        int oh = (i / p.OutW) % p.OutH;
        int plane = i / (p.OutW * p.OutH);
        int count = Taps(x, plane, oh, ow, p, 0, 0f, out float sum);
        y[i] = count == 0 ? 0f : sum / count;
    }

    public static void AvgPoolBackward(Index1D plane, ArrayView<float> dy, ArrayView<float> dx, ConvArgs p)
    {
        int outPlane = p.OutH * p.OutW;
        for (int q = 0; q < outPlane; q++)
        {
            int oh = q / p.OutW;
            int ow = q % p.OutW;
            int count = Taps(dx, plane, oh, ow, p, 0, 0f, out _);
            if (count > 0)
            {
                Taps(dx, plane, oh, ow, p, 1, dy[plane * outPlane + q] / count, out _);
            }
        }
    }
}

/// <summary>Sizes of one convolution or pooling call (pooling: OutC = InC, kernel from the spec).</summary>
internal struct ConvArgs
{
    public int Batch, InC, H, W, OutC, OutH, OutW, KH, KW, SH, SW, PH, PW, DH, DW, HasBias;
}
