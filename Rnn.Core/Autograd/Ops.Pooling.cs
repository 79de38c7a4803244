using Rnn.Core.Autograd;

namespace Rnn.Core;

public static partial class Ops
{
    /// <summary>
    /// Max pooling over NCHW x [batch, channels, height, width]; stride defaults to the kernel
    /// (non-overlapping windows). Padding never wins the max.
    /// </summary>
    public static Tensor MaxPool2D(Tensor x, int kernel, int stride = 0, int padding = 0) =>
        MaxPool2D(x, Conv2DSpec.Square(kernel, stride > 0 ? stride : kernel, padding));

    /// <summary>Max pooling with a window given per axis.</summary>
    public static Tensor MaxPool2D(Tensor x, Conv2DSpec spec) => Pool(x, spec, max: true);

    /// <summary>
    /// Average pooling over NCHW x; stride defaults to the kernel. Positions in the padding are
    /// left out of each mean.
    /// </summary>
    public static Tensor AvgPool2D(Tensor x, int kernel, int stride = 0, int padding = 0) =>
        AvgPool2D(x, Conv2DSpec.Square(kernel, stride > 0 ? stride : kernel, padding));

    /// <summary>Average pooling with a window given per axis.</summary>
    public static Tensor AvgPool2D(Tensor x, Conv2DSpec spec) => Pool(x, spec, max: false);

    /// <summary>Mean over height and width: [batch, channels, height, width] -> [batch, channels].</summary>
    public static Tensor GlobalAvgPool2D(Tensor x)
    {
        if (x.Rank != 4)
        {
            throw new ArgumentException($"GlobalAvgPool2D needs [batch, channels, height, width]; got {x.Describe()}");
        }

        var y = AvgPool2D(x, new Conv2DSpec(x.Dim(2), x.Dim(3)));   // [batch, channels, 1, 1]
        return Reshape(y, x.Dim(0), x.Dim(1));
    }

    private static Tensor Pool(Tensor x, Conv2DSpec spec, bool max)
    {
        if (x.Rank != 4)
        {
            throw new ArgumentException($"2-D pooling needs [batch, channels, height, width]; got {x.Describe()}");
        }

        spec.Validate(x.Dim(2), x.Dim(3));
        var be = x.Backend;
        var y = be.Allocate(new[] { x.Dim(0), x.Dim(1), spec.OutHeight(x.Dim(2)), spec.OutWidth(x.Dim(3)) });
        if (max)
        {
            be.MaxPool2D(x, spec, y);
        }
        else
        {
            be.AvgPool2D(x, spec, y);
        }

        if (Tape.IsTracking(x))
        {
            Tape.Record(y, () =>
            {
                if (y.Grad is not { } dy)
                {
                    return;
                }

                if (max)
                {
                    be.MaxPool2DBackward(x, dy, spec, x.EnsureGrad());
                }
                else
                {
                    be.AvgPool2DBackward(dy, spec, x.EnsureGrad());
                }
            });
        }

        return y;
    }
}
