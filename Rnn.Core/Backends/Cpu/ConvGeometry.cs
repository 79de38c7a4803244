namespace Rnn.Core.Cpu;

/// <summary>
/// Sizes of one NCHW convolution, checked once at the edge of a backend call so the kernels
/// below it can trust them.
/// </summary>
internal readonly struct ConvGeometry
{
    public readonly int Batch;
    public readonly int InChannels;
    public readonly int Height;
    public readonly int Width;
    public readonly int OutChannels;
    public readonly int OutHeight;
    public readonly int OutWidth;
    public readonly Conv2DSpec Spec;

    private ConvGeometry(int batch, int inChannels, int height, int width, int outChannels, Conv2DSpec spec)
    {
        Batch = batch;
        InChannels = inChannels;
        Height = height;
        Width = width;
        OutChannels = outChannels;
        Spec = spec;
        OutHeight = spec.OutHeight(height);
        OutWidth = spec.OutWidth(width);
    }

    /// <summary>Elements of one input sample: in * height * width.</summary>
    public int InSample => InChannels * Height * Width;

    /// <summary>Output positions per channel: outH * outW.</summary>
    public int OutPlane => OutHeight * OutWidth;

    /// <summary>Rows of the im2col matrix: in * kh * kw.</summary>
    public int ColRows => InChannels * Spec.KernelH * Spec.KernelW;

    /// <summary>A 1x1, stride 1, unpadded convolution: the input already is its column matrix.</summary>
    public bool IsPointwise =>
        Spec.KernelH == 1 && Spec.KernelW == 1 && Spec.StrideH == 1 && Spec.StrideW == 1 &&
        Spec.PadH == 0 && Spec.PadW == 0;

    /// <summary>Geometry of a convolution of x [batch, in, h, w] with weight [out, in, kh, kw].</summary>
    public static ConvGeometry Create(ReadOnlySpan<int> x, ReadOnlySpan<int> weight, Conv2DSpec spec, string op)
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
        return new ConvGeometry(x[0], x[1], x[2], x[3], weight[0], spec);
    }

    /// <summary>Geometry of a pooling window over x [batch, channels, h, w] (out = in channels).</summary>
    public static ConvGeometry Pool(ReadOnlySpan<int> x, Conv2DSpec spec, string op)
    {
        if (x.Length != 4)
        {
            throw new ArgumentException($"{op} needs x [batch, channels, height, width]; got {Shape.Format(x)}");
        }

        spec.Validate(x[2], x[3]);
        return new ConvGeometry(x[0], x[1], x[2], x[3], x[1], spec);
    }

    /// <summary>Throws unless y is [batch, out, outH, outW].</summary>
    public void CheckOutput(ReadOnlySpan<int> y, string name)
    {
        if (y.Length != 4 || y[0] != Batch || y[1] != OutChannels || y[2] != OutHeight || y[3] != OutWidth)
        {
            throw new ArgumentException(
                $"{name} must be [{Batch}, {OutChannels}, {OutHeight}, {OutWidth}]; got {Shape.Format(y)}");
        }
    }
}
