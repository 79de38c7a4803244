using Rnn.Core;
using Rnn.Cuda.Kernels;

namespace Rnn.Cuda;

// Convolution and pooling: shapes checked here (same rules and messages as CpuBackend), then
// the direct kernels of Kernels/ConvKernels.cs.
public sealed partial class CudaBackend
{
    public void Conv2DForward(Tensor x, Tensor weight, Tensor? bias, Conv2DSpec spec, Tensor y)
    {
        var p = ConvShape(x.Shape, weight.Shape, spec, nameof(Conv2DForward));
        CheckOutput(p, y.Shape, nameof(y));
        if (bias is not null && bias.Length != p.OutC)
        {
            throw new ArgumentException($"Conv2D bias must have {p.OutC} elements; got {bias.Describe()}");
        }

        p.HasBias = bias is null ? 0 : 1;
        if (y.Length > 0)
        {
            kernels.ConvForward(Stream, y.Length, V(x), V(weight), bias is null ? V(weight) : V(bias), V(y), p);
        }
    }

    public void Conv2DBackwardData(Tensor dy, Tensor weight, Conv2DSpec spec, Tensor dx)
    {
        var p = ConvShape(dx.Shape, weight.Shape, spec, nameof(Conv2DBackwardData));
        CheckOutput(p, dy.Shape, nameof(dy));
        if (dx.Length > 0)
        {
            kernels.ConvBackwardData(Stream, dx.Length, V(dy), V(weight), V(dx), p);
        }
    }

    public void Conv2DBackwardFilter(Tensor x, Tensor dy, Conv2DSpec spec, Tensor dw, Tensor? db)
    {
        var p = ConvShape(x.Shape, dw.Shape, spec, nameof(Conv2DBackwardFilter));
        CheckOutput(p, dy.Shape, nameof(dy));
        if (db is not null && db.Length != p.OutC)
        {
            throw new ArgumentException($"Conv2D bias gradient must have {p.OutC} elements; got {db.Describe()}");
        }

        if (dw.Length > 0)
        {
            kernels.ConvBackwardFilter(Stream, dw.Length, V(x), V(dy), V(dw), p);
        }

        if (db is not null && db.Length > 0)
        {
            kernels.ConvBackwardBias(Stream, db.Length, V(dy), V(db), p);
        }
    }

    public void MaxPool2D(Tensor x, Conv2DSpec spec, Tensor y)
    {
        var p = PoolShape(x.Shape, spec, nameof(MaxPool2D));
        CheckOutput(p, y.Shape, nameof(y));
        if (y.Length > 0)
        {
            kernels.MaxPool(Stream, y.Length, V(x), V(y), p);
        }
    }

    public void MaxPool2DBackward(Tensor x, Tensor dy, Conv2DSpec spec, Tensor dx)
    {
        var p = PoolShape(x.Shape, spec, nameof(MaxPool2DBackward));
        CheckOutput(p, dy.Shape, nameof(dy));
        CheckLength(x.Length, dx.Length, nameof(MaxPool2DBackward));
        if (dx.Length > 0)
        {
            kernels.MaxPoolBackward(Stream, p.Batch * p.InC, V(x), V(dy), V(dx), p);
        }
    }

    public void AvgPool2D(Tensor x, Conv2DSpec spec, Tensor y)
    {
        var p = PoolShape(x.Shape, spec, nameof(AvgPool2D));
        CheckOutput(p, y.Shape, nameof(y));
        if (y.Length > 0)
        {
            kernels.AvgPool(Stream, y.Length, V(x), V(y), p);
        }
    }

    public void AvgPool2DBackward(Tensor dy, Conv2DSpec spec, Tensor dx)
    {
        var p = PoolShape(dx.Shape, spec, nameof(AvgPool2DBackward));
        CheckOutput(p, dy.Shape, nameof(dy));
        if (dx.Length > 0)
        {
            kernels.AvgPoolBackward(Stream, p.Batch * p.InC, V(dy), V(dx), p);
        }
    }

    private static ConvArgs ConvShape(ReadOnlySpan<int> x, ReadOnlySpan<int> weight, Conv2DSpec spec, string op)
    {
        if (x.Length != 4 || weight.Length != 4)
        {
            throw new ArgumentException(
                $"{op} needs x [batch, channels, height, width] and weight [out, in, kh, kw]; " +
                $"got {Shape.Format(x)} and {Shape.Format(weight)}");
        }

        if (weight[1] != x[1] || weight[2] != spec.KernelH || weight[3] != spec.KernelW)
        {
            throw new ArgumentException(
                $"{op}: weight {Shape.Format(weight)} does not fit input {Shape.Format(x)} " +
                $"with kernel {spec.KernelH}x{spec.KernelW}");
        }

        spec.Validate(x[2], x[3]);
        return Args(x, weight[0], spec);
    }

    private static ConvArgs PoolShape(ReadOnlySpan<int> x, Conv2DSpec spec, string op)
    {
        if (x.Length != 4)
        {
            throw new ArgumentException($"{op} needs x [batch, channels, height, width]; got {Shape.Format(x)}");
        }

        spec.Validate(x[2], x[3]);
        return Args(x, x[1], spec);
    }

    private static ConvArgs Args(ReadOnlySpan<int> x, int outChannels, Conv2DSpec s) => new()
    {
        Batch = x[0], InC = x[1], H = x[2], W = x[3], OutC = outChannels,
        OutH = s.OutHeight(x[2]), OutW = s.OutWidth(x[3]), KH = s.KernelH, KW = s.KernelW,
        SH = s.StrideH, SW = s.StrideW, PH = s.PadH, PW = s.PadW, DH = s.DilationH, DW = s.DilationW,
    };

    private static void CheckOutput(ConvArgs p, ReadOnlySpan<int> y, string name)
    {
        if (y.Length != 4 || y[0] != p.Batch || y[1] != p.OutC || y[2] != p.OutH || y[3] != p.OutW)
        {
            throw new ArgumentException(
                $"{name} must be [{p.Batch}, {p.OutC}, {p.OutH}, {p.OutW}]; got {Shape.Format(y)}");
        }
    }
}
