using System.Buffers;
using System.Numerics.Tensors;
using Rnn.Core.Cpu;

namespace Rnn.Core;

// 2-D convolution on the CPU as im2col + GEMM (the approach of Caffe and early cuDNN): each
// sample's receptive fields are unrolled into a [in*kh*kw, outH*outW] column matrix, so the
// convolution becomes one matrix product with the [out, in*kh*kw] weight. Work is spread over
// the batch when it has enough samples to keep every thread busy, otherwise inside the GEMM.
public sealed partial class CpuBackend
{
    public void Conv2DForward(Tensor x, Tensor weight, Tensor? bias, Conv2DSpec spec, Tensor y)
    {
        var g = ConvGeometry.Create(x.Shape, weight.Shape, spec, nameof(Conv2DForward));
        g.CheckOutput(y.Shape, nameof(y));
        if (bias is not null && bias.Length != g.OutChannels)
        {
            throw new ArgumentException($"Conv2D bias must have {g.OutChannels} elements; got {bias.Describe()}");
        }

        float[] xs = Raw(x), ws = Raw(weight), ys = Raw(y);
        float[]? bs = bias is null ? null : Raw(bias);
        int xo = x.Offset, wo = weight.Offset, yo = y.Offset, bo = bias?.Offset ?? 0;
        ForEachSample(g, (n, col, inner) =>
        {
            int yn = yo + n * g.OutChannels * g.OutPlane;
            var (cols, colOff) = Columns(g, xs, xo + n * g.InSample, col);

            // y_n [out, outH*outW] = W [out, in*kh*kw] * col [in*kh*kw, outH*outW]
            GemmCore(false, false, g.OutChannels, g.OutPlane, g.ColRows, 1f,
                ws, wo, g.ColRows, cols, colOff, g.OutPlane, 0f, ys, yn, g.OutPlane, inner);
            if (bs is not null)
            {
                for (int o = 0; o < g.OutChannels; o++)
                {
                    var row = ys.AsSpan(yn + o * g.OutPlane, g.OutPlane);
                    TensorPrimitives.Add(row, bs[bo + o], row);
                }
            }
        });
    }

    public void Conv2DBackwardData(Tensor dy, Tensor weight, Conv2DSpec spec, Tensor dx)
    {
        var g = ConvGeometry.Create(dx.Shape, weight.Shape, spec, nameof(Conv2DBackwardData));
        g.CheckOutput(dy.Shape, nameof(dy));
        float[] dys = Raw(dy), ws = Raw(weight), dxs = Raw(dx);
        int dyo = dy.Offset, wo = weight.Offset, dxo = dx.Offset;
        ForEachSample(g, (n, col, inner) =>
        {
            int dxn = dxo + n * g.InSample;

            // dcol [in*kh*kw, outH*outW] = W^T [in*kh*kw, out] * dy_n [out, outH*outW]
            if (g.IsPointwise)
            {
                // 1x1, stride 1, no padding: the columns are the input itself, so add in place.
                GemmCore(true, false, g.ColRows, g.OutPlane, g.OutChannels, 1f,
                    ws, wo, g.ColRows, dys, dyo + n * g.OutChannels * g.OutPlane, g.OutPlane,
                    1f, dxs, dxn, g.OutPlane, inner);
                return;
            }

            GemmCore(true, false, g.ColRows, g.OutPlane, g.OutChannels, 1f,
                ws, wo, g.ColRows, dys, dyo + n * g.OutChannels * g.OutPlane, g.OutPlane,
                0f, col, 0, g.OutPlane, inner);
            Im2Col.Scatter(g, col, dxs, dxn);
        });
    }

    public void Conv2DBackwardFilter(Tensor x, Tensor dy, Conv2DSpec spec, Tensor dw, Tensor? db)
    {
        var g = ConvGeometry.Create(x.Shape, dw.Shape, spec, nameof(Conv2DBackwardFilter));
        g.CheckOutput(dy.Shape, nameof(dy));
        if (db is not null && db.Length != g.OutChannels)
        {
            throw new ArgumentException(
                $"Conv2D bias gradient must have {g.OutChannels} elements; got {db.Describe()}");
        }

        float[] xs = Raw(x), dys = Raw(dy), dws = Raw(dw);
        int xo = x.Offset, dyo = dy.Offset, dwo = dw.Offset;
        float[] col = ArrayPool<float>.Shared.Rent(g.IsPointwise ? 0 : g.ColRows * g.OutPlane);
        try
        {
            // Samples run one after another because they all add into the same dw; the GEMM
            // inside is parallel over blocks of dw instead.
            for (int n = 0; n < g.Batch; n++)
            {
                var (cols, colOff) = Columns(g, xs, xo + n * g.InSample, col);

                // dw [out, in*kh*kw] += dy_n [out, outH*outW] * col^T [outH*outW, in*kh*kw]
                GemmCore(false, true, g.OutChannels, g.ColRows, g.OutPlane, 1f,
                    dys, dyo + n * g.OutChannels * g.OutPlane, g.OutPlane, cols, colOff, g.OutPlane,
                    1f, dws, dwo, g.ColRows, Parallel);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(col);
        }

        if (db is not null)
        {
            var dbs = S(db);
            for (int n = 0; n < g.Batch; n++)
            {
                for (int o = 0; o < g.OutChannels; o++)
                {
                    dbs[o] += TensorPrimitives.Sum(dys.AsSpan(dyo + (n * g.OutChannels + o) * g.OutPlane, g.OutPlane));
                }
            }
        }
    }

    // The column matrix of one sample: the input itself for a pointwise convolution, else the
    // im2col unrolling written into the caller's buffer.
    private static (float[] Data, int Offset) Columns(in ConvGeometry g, float[] xs, int sampleOffset, float[] col)
    {
        if (g.IsPointwise)
        {
            return (xs, sampleOffset);
        }

        Im2Col.Gather(g, xs, sampleOffset, col);
        return (col, 0);
    }

    // Runs body(sample, columnBuffer, gemmParallelism) for every sample: in parallel over samples
    // (serial GEMMs) when the batch covers the threads, else serially with parallel GEMMs.
    private void ForEachSample(ConvGeometry g, Action<int, float[], ParallelOptions?> body)
    {
        int colLength = g.IsPointwise ? 0 : g.ColRows * g.OutPlane;
        if (g.Batch >= Threads && Threads > 1)
        {
            System.Threading.Tasks.Parallel.For(0, g.Batch, Parallel,
                () => ArrayPool<float>.Shared.Rent(colLength),
                (n, _, col) =>
                {
                    body((int)n, col, null);
                    return col;
                },
                col => ArrayPool<float>.Shared.Return(col));
            return;
        }

        float[] buffer = ArrayPool<float>.Shared.Rent(colLength);
        try
        {
            for (int n = 0; n < g.Batch; n++)
            {
                body(n, buffer, Parallel);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }
}
