namespace Rnn.Core.Nn;

/// <summary>Max pooling layer over NCHW input; stride defaults to the kernel.</summary>
public sealed class MaxPool2D : Module, ILayer
{
    public MaxPool2D(int kernel, int stride = 0, int padding = 0) =>
        Spec = Conv2DSpec.Square(kernel, stride > 0 ? stride : kernel, padding);

    /// <summary>Creates the layer with a window given per axis.</summary>
    public MaxPool2D(Conv2DSpec spec) => Spec = spec;

    /// <summary>The pooling window.</summary>
    public Conv2DSpec Spec { get; }

    public Tensor Forward(Tensor x) => Ops.MaxPool2D(x, Spec);
}

/// <summary>Average pooling layer over NCHW input (padding excluded from each mean).</summary>
public sealed class AvgPool2D : Module, ILayer
{
    public AvgPool2D(int kernel, int stride = 0, int padding = 0) =>
        Spec = Conv2DSpec.Square(kernel, stride > 0 ? stride : kernel, padding);

    /// <summary>Creates the layer with a window given per axis.</summary>
    public AvgPool2D(Conv2DSpec spec) => Spec = spec;

    /// <summary>The pooling window.</summary>
    public Conv2DSpec Spec { get; }

    public Tensor Forward(Tensor x) => Ops.AvgPool2D(x, Spec);
}

/// <summary>Mean over height and width: [batch, channels, height, width] -> [batch, channels].</summary>
public sealed class GlobalAvgPool2D : Module, ILayer
{
    public Tensor Forward(Tensor x) => Ops.GlobalAvgPool2D(x);
}
