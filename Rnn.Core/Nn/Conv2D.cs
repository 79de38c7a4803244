namespace Rnn.Core.Nn;

/// <summary>
/// 2-D convolution layer, NCHW: [batch, in, height, width] -> [batch, out, outH, outW], then an
/// optional activation. Weight "weight" is [out, in, kh, kw] and bias "bias" is [out] (the
/// PyTorch/ONNX layout); weights start Glorot uniform with fan-in = in*kh*kw and fan-out =
/// out*kh*kw (Glorot and Bengio, 2010, as Keras counts them for convolutions), biases zero.
/// </summary>
/// <example>
/// <code>
/// var conv = new Conv2D(3, 16, kernel: 3, rng, padding: Conv2DSpec.SamePadding(3), activation: UnaryOp.Relu);
/// var features = conv.Forward(images);   // [batch, 16, height, width]
/// </code>
/// </example>
public sealed class Conv2D : Module, ILayer
{
    public Conv2D(int inChannels, int outChannels, int kernel, Rng rng, int stride = 1, int padding = 0,
        int dilation = 1, bool useBias = true, UnaryOp activation = UnaryOp.Identity, IBackend? backend = null)
        : this(inChannels, outChannels, Conv2DSpec.Square(kernel, stride, padding, dilation), rng, useBias,
            activation, backend)
    {
    }

    /// <summary>Creates the layer with a window given per axis.</summary>
    public Conv2D(int inChannels, int outChannels, Conv2DSpec spec, Rng rng, bool useBias = true,
        UnaryOp activation = UnaryOp.Identity, IBackend? backend = null)
    {
        if (inChannels <= 0 || outChannels <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(inChannels), $"Conv2D needs positive channel counts; got {inChannels} -> {outChannels}");
        }

        spec.ValidateWindow();
        var be = backend ?? Backends.Default;
        InChannels = inChannels;
        OutChannels = outChannels;
        Spec = spec;
        Activation = activation;
        int taps = spec.KernelH * spec.KernelW;
        Weight = AddParameter("weight", Init.GlorotUniform(
            be, rng, inChannels * taps, outChannels * taps, outChannels, inChannels, spec.KernelH, spec.KernelW));
        Bias = useBias ? AddParameter("bias", be.Zeros(new[] { outChannels })) : null;
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    /// <summary>Kernel, stride, padding and dilation.</summary>
    public Conv2DSpec Spec { get; }

    public UnaryOp Activation { get; }

    /// <summary>[out, in, kh, kw].</summary>
    public Parameter Weight { get; }

    /// <summary>[out], or null without bias.</summary>
    public Parameter? Bias { get; }

    public Tensor Forward(Tensor x)
    {
        if (x.Rank != 4 || x.Dim(1) != InChannels)
        {
            throw new ArgumentException(
                $"Conv2D expects [batch, {InChannels}, height, width]; got {x.Describe()}");
        }

        var y = Ops.Conv2D(x, Weight.Value, Bias?.Value, Spec);   // [batch, out, outH, outW]
        return Activation == UnaryOp.Identity ? y : Ops.Apply(Activation, y);
    }
}
