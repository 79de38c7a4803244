using Rnn.Core.Cpu;

namespace Rnn.Core;

// Max and average pooling on the CPU: direct loops over each window, parallel over the
// batch*channels planes (planes are independent and each is written by one thread only).
public sealed partial class CpuBackend
{
    public void MaxPool2D(Tensor x, Conv2DSpec spec, Tensor y)
    {
        var g = ConvGeometry.Pool(x.Shape, spec, nameof(MaxPool2D));
        g.CheckOutput(y.Shape, nameof(y));
        float[] xs = Raw(x), ys = Raw(y);
        int xo = x.Offset, yo = y.Offset;
        ForEachPlane(g, p =>
        {
            var src = new ReadOnlySpan<float>(xs, xo + p * g.Height * g.Width, g.Height * g.Width);
            var dst = new Span<float>(ys, yo + p * g.OutPlane, g.OutPlane);
            for (int q = 0; q < g.OutPlane; q++)
            {
                int at = ArgMax(g, src, q / g.OutWidth, q % g.OutWidth);
                dst[q] = at < 0 ? float.NegativeInfinity : src[at];
            }
        });
    }

    public void MaxPool2DBackward(Tensor x, Tensor dy, Conv2DSpec spec, Tensor dx)
    {
        var g = ConvGeometry.Pool(x.Shape, spec, nameof(MaxPool2DBackward));
        g.CheckOutput(dy.Shape, nameof(dy));
        CheckLength(x.Length, dx.Length, nameof(MaxPool2DBackward));
        float[] xs = Raw(x), dys = Raw(dy), dxs = Raw(dx);
        int xo = x.Offset, dyo = dy.Offset, dxo = dx.Offset;
        ForEachPlane(g, p =>
        {
            int plane = g.Height * g.Width;
            var src = new ReadOnlySpan<float>(xs, xo + p * plane, plane);
            var grad = new ReadOnlySpan<float>(dys, dyo + p * g.OutPlane, g.OutPlane);
            var dst = new Span<float>(dxs, dxo + p * plane, plane);
            for (int q = 0; q < g.OutPlane; q++)
            {
                int at = ArgMax(g, src, q / g.OutWidth, q % g.OutWidth);
                if (at >= 0)
                {
                    dst[at] += grad[q];
                }
            }
        });
    }

    public void AvgPool2D(Tensor x, Conv2DSpec spec, Tensor y)
    {
        var g = ConvGeometry.Pool(x.Shape, spec, nameof(AvgPool2D));
        g.CheckOutput(y.Shape, nameof(y));
        float[] xs = Raw(x), ys = Raw(y);
        int xo = x.Offset, yo = y.Offset;
        ForEachPlane(g, p =>
        {
            var src = new ReadOnlySpan<float>(xs, xo + p * g.Height * g.Width, g.Height * g.Width);
            var dst = new Span<float>(ys, yo + p * g.OutPlane, g.OutPlane);
            for (int q = 0; q < g.OutPlane; q++)
            {
                var w = Window.Of(g, q / g.OutWidth, q % g.OutWidth);
                float sum = 0f;
                for (int ih = w.H0; ih < w.H1; ih += spec.DilationH)
                {
                    for (int iw = w.W0; iw < w.W1; iw += spec.DilationW)
                    {
                        sum += src[ih * g.Width + iw];
                    }
                }

                dst[q] = w.Count == 0 ? 0f : sum / w.Count;
            }
        });
    }

    public void AvgPool2DBackward(Tensor dy, Conv2DSpec spec, Tensor dx)
    {
        var g = ConvGeometry.Pool(dx.Shape, spec, nameof(AvgPool2DBackward));
        g.CheckOutput(dy.Shape, nameof(dy));
        float[] dys = Raw(dy), dxs = Raw(dx);
        int dyo = dy.Offset, dxo = dx.Offset;
        ForEachPlane(g, p =>
        {
            var grad = new ReadOnlySpan<float>(dys, dyo + p * g.OutPlane, g.OutPlane);
            var dst = new Span<float>(dxs, dxo + p * g.Height * g.Width, g.Height * g.Width);
            for (int q = 0; q < g.OutPlane; q++)
            {
                var w = Window.Of(g, q / g.OutWidth, q % g.OutWidth);
                if (w.Count == 0)
                {
                    continue;
                }

                float share = grad[q] / w.Count;
                for (int ih = w.H0; ih < w.H1; ih += spec.DilationH)
                {
                    for (int iw = w.W0; iw < w.W1; iw += spec.DilationW)
                    {
                        dst[ih * g.Width + iw] += share;
                    }
                }
            }
        });
    }

    // Index in the plane of the first maximum of the window at (oh, ow), or -1 for a window
    // lying wholly in the padding. NaN never wins, like a comparison-based max.
    private static int ArgMax(in ConvGeometry g, ReadOnlySpan<float> plane, int oh, int ow)
    {
        var w = Window.Of(g, oh, ow);
        int best = -1;
        float max = float.NegativeInfinity;
        for (int ih = w.H0; ih < w.H1; ih += g.Spec.DilationH)
        {
            for (int iw = w.W0; iw < w.W1; iw += g.Spec.DilationW)
            {
                int at = ih * g.Width + iw;
                if (best < 0 || plane[at] > max)
                {
                    best = at;
                    max = plane[at];
                }
            }
        }

        return best;
    }

    private void ForEachPlane(ConvGeometry g, Action<int> body)
    {
        int planes = g.Batch * g.InChannels;
        if (Threads == 1 || planes == 1)
        {
            for (int p = 0; p < planes; p++)
            {
                body(p);
            }

            return;
        }

        System.Threading.Tasks.Parallel.For(0, planes, Parallel, body);
    }

    // The in-image taps of one window: rows H0, H0+dh, ... below H1, columns likewise.
    private readonly record struct Window(int H0, int H1, int W0, int W1, int Count)
    {
        public static Window Of(in ConvGeometry g, int oh, int ow)
        {
            var s = g.Spec;
            FirstLast(oh * s.StrideH - s.PadH, s.KernelH, s.DilationH, g.Height, out int h0, out int h1, out int nh);
            FirstLast(ow * s.StrideW - s.PadW, s.KernelW, s.DilationW, g.Width, out int w0, out int w1, out int nw);
            return new Window(h0, h1, w0, w1, nh * nw);
        }

        // Taps start + t*dilation for t in [0, kernel) that lie in [0, size): first, end, count.
        private static void FirstLast(
            int start, int kernel, int dilation, int size, out int first, out int end, out int count)
        {
            int t0 = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
            int t1 = Math.Min(kernel, start >= size ? 0 : (size - 1 - start) / dilation + 1);
            count = Math.Max(0, t1 - t0);
            first = start + t0 * dilation;
            end = count == 0 ? first : start + (t1 - 1) * dilation + 1;
        }
    }
}
