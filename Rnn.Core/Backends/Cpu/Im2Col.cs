namespace Rnn.Core.Cpu;

/// <summary>
/// The im2col unrolling and its adjoint: row (c, i, j) of the column matrix holds, for every
/// output position (oh, ow), input element x[c, oh*sh - ph + i*dh, ow*sw - pw + j*dw], or 0
/// where that falls in the padding.
/// </summary>
internal static class Im2Col
{
    /// <summary>col [in*kh*kw, outH*outW] = unrolled sample at xs[offset..].</summary>
    public static void Gather(in ConvGeometry g, float[] xs, int offset, float[] col)
    {
        var s = g.Spec;
        int plane = g.Height * g.Width;
        int row = 0;
        for (int c = 0; c < g.InChannels; c++)
        {
            var input = new ReadOnlySpan<float>(xs, offset + c * plane, plane);
            for (int i = 0; i < s.KernelH; i++)
            {
                for (int j = 0; j < s.KernelW; j++, row++)
                {
                    var dst = new Span<float>(col, row * g.OutPlane, g.OutPlane);
                    GatherRow(g, input, i, j, dst);
                }
            }
        }
    }

    /// <summary>dx[offset..] += the column matrix folded back onto the sample (adjoint of Gather).</summary>
    public static void Scatter(in ConvGeometry g, float[] col, float[] dx, int offset)
    {
        var s = g.Spec;
        int plane = g.Height * g.Width;
        int row = 0;
        for (int c = 0; c < g.InChannels; c++)
        {
            var input = new Span<float>(dx, offset + c * plane, plane);
            for (int i = 0; i < s.KernelH; i++)
            {
                for (int j = 0; j < s.KernelW; j++, row++)
                {
                    var src = new ReadOnlySpan<float>(col, row * g.OutPlane, g.OutPlane);
                    ScatterRow(g, src, i, j, input);
                }
            }
        }
    }

    private static void GatherRow(in ConvGeometry g, ReadOnlySpan<float> input, int i, int j, Span<float> dst)
    {
        var s = g.Spec;
        for (int oh = 0; oh < g.OutHeight; oh++)
        {
            var line = dst.Slice(oh * g.OutWidth, g.OutWidth);
            int ih = oh * s.StrideH - s.PadH + i * s.DilationH;
            if ((uint)ih >= (uint)g.Height)
            {
                line.Clear();
                continue;
            }

            ValidRange(g, j, out int first, out int last);
            line[..first].Clear();
            line[last..].Clear();
            if (first == last)
            {
                continue;   // kernel column j is in the padding for every output column (a kernel wider than the map)
            }

            int iw = first * s.StrideW - s.PadW + j * s.DilationW;
            var src = input.Slice(ih * g.Width);
            if (s.StrideW == 1)
            {
                src.Slice(iw, last - first).CopyTo(line[first..last]);
                continue;
            }

            for (int ow = first; ow < last; ow++, iw += s.StrideW)
            {
                line[ow] = src[iw];
            }
        }
    }

    private static void ScatterRow(in ConvGeometry g, ReadOnlySpan<float> src, int i, int j, Span<float> input)
    {
        var s = g.Spec;
        for (int oh = 0; oh < g.OutHeight; oh++)
        {
            int ih = oh * s.StrideH - s.PadH + i * s.DilationH;
            if ((uint)ih >= (uint)g.Height)
            {
                continue;
            }

            ValidRange(g, j, out int first, out int last);
            var line = src.Slice(oh * g.OutWidth, g.OutWidth);
            var dst = input.Slice(ih * g.Width, g.Width);
            int iw = first * s.StrideW - s.PadW + j * s.DilationW;
            for (int ow = first; ow < last; ow++, iw += s.StrideW)
            {
                dst[iw] += line[ow];
            }
        }
    }

    // Output columns [first, last) whose input column for kernel column j lies inside the image.
    private static void ValidRange(in ConvGeometry g, int j, out int first, out int last)
    {
        var s = g.Spec;
        int shift = s.PadW - j * s.DilationW;         // iw = ow*sw - shift
        first = shift <= 0 ? 0 : Math.Min(g.OutWidth, (shift + s.StrideW - 1) / s.StrideW);
        int limit = g.Width - 1 + shift;              // ow*sw <= limit
        last = limit < 0 ? 0 : Math.Min(g.OutWidth, limit / s.StrideW + 1);
        if (last < first)
        {
            last = first;
        }
    }
}
