using Rnn.Core.Autograd;

namespace Rnn.Core;

public static partial class Ops
{
    /// <summary>
    /// 2-D convolution (cross-correlation), NCHW: x [batch, in, height, width] with weight
    /// [out, in, kh, kw] and optional bias [out] gives [batch, out, outH, outW]. Pass
    /// <c>padding: Conv2DSpec.SamePadding(k)</c> to keep the size at stride 1.
    /// </summary>
    /// <example>
    /// <code>
    /// var y = Ops.Conv2D(images, weight, bias, stride: 1, padding: 1);   // 3x3 'same'
    /// </code>
    /// </example>
    public static Tensor Conv2D(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0,
        int dilation = 1)
    {
        if (weight.Rank != 4)
        {
            throw new ArgumentException($"Conv2D weight must be [out, in, kh, kw]; got {weight.Describe()}");
        }

        var spec = new Conv2DSpec(weight.Dim(2), weight.Dim(3), stride, stride, padding, padding, dilation, dilation);
        return Conv2D(x, weight, bias, spec);
    }

    /// <summary>A 3x3 (or any odd kernel) convolution that keeps height and width: stride 1, 'same' padding.</summary>
    public static Tensor Conv2DSame(Tensor x, Tensor weight, Tensor? bias = null) =>
        Conv2D(x, weight, bias, new Conv2DSpec(
            weight.Dim(2), weight.Dim(3),
            PadH: Conv2DSpec.SamePadding(weight.Dim(2)), PadW: Conv2DSpec.SamePadding(weight.Dim(3))));

    /// <summary>2-D convolution with full control of the window per axis; see <see cref="Conv2DSpec"/>.</summary>
    public static Tensor Conv2D(Tensor x, Tensor weight, Tensor? bias, Conv2DSpec spec)
    {
        CheckSameBackend(x, weight);
        if (bias is not null)
        {
            CheckSameBackend(x, bias);
        }

        if (x.Rank != 4 || weight.Rank != 4)
        {
            throw new ArgumentException(
                $"Conv2D needs x [batch, channels, height, width] and weight [out, in, kh, kw]; " +
                $"got {x.Describe()} and {weight.Describe()}");
        }

        spec.Validate(x.Dim(2), x.Dim(3));
        var be = x.Backend;
        var y = be.Allocate(new[] { x.Dim(0), weight.Dim(0), spec.OutHeight(x.Dim(2)), spec.OutWidth(x.Dim(3)) });
        be.Conv2DForward(x, weight, bias, spec, y);   // [batch, out, outH, outW]
        bool tracking = bias is null ? Tape.IsTracking(x, weight) : Tape.IsTracking([x, weight, bias]);
        if (tracking)
        {
            Tape.Record(y, () =>
            {
                if (y.Grad is not { } dy)
                {
                    return;
                }

                if (x.RequiresGrad)
                {
                    be.Conv2DBackwardData(dy, weight, spec, x.EnsureGrad());
                }

                if (weight.RequiresGrad || bias is { RequiresGrad: true })
                {
                    // The filter pass computes dw; when only the bias needs a gradient it still
                    // runs into a scratch buffer, which is rare enough not to special-case.
                    var dw = weight.RequiresGrad ? weight.EnsureGrad() : be.Zeros(weight.Shape);
                    be.Conv2DBackwardFilter(x, dy, spec, dw, bias is { RequiresGrad: true } ? bias.EnsureGrad() : null);
                }
            });
        }

        return y;
    }
}
