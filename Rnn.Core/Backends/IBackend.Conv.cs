namespace Rnn.Core;

/// <summary>
/// Geometry of a 2-D convolution or pooling window, per axis (H = height, W = width):
/// output size = floor((in + 2*pad - dilation*(kernel-1) - 1) / stride) + 1, the convention
/// of PyTorch, cuDNN and ONNX (symmetric padding).
/// </summary>
/// <example>
/// <code>
/// var spec = Conv2DSpec.Square(kernel: 3, stride: 1, padding: Conv2DSpec.SamePadding(3));
/// </code>
/// </example>
public readonly record struct Conv2DSpec(
    int KernelH, int KernelW,
    int StrideH = 1, int StrideW = 1,
    int PadH = 0, int PadW = 0,
    int DilationH = 1, int DilationW = 1)
{
    /// <summary>The same kernel, stride, padding and dilation on both axes.</summary>
    public static Conv2DSpec Square(int kernel, int stride = 1, int padding = 0, int dilation = 1) =>
        new(kernel, kernel, stride, stride, padding, padding, dilation, dilation);

    /// <summary>
    /// Padding that keeps the size at stride 1 ("same"): dilation*(kernel-1)/2. Only odd
    /// effective kernels pad evenly on both sides, so even ones are rejected.
    /// </summary>
    public static int SamePadding(int kernel, int dilation = 1)
    {
        int span = dilation * (kernel - 1);
        if (kernel <= 0 || span % 2 != 0)
        {
            throw new ArgumentException(
                $"'same' padding needs an odd effective kernel; got kernel {kernel}, dilation {dilation}");
        }

        return span / 2;
    }

    /// <summary>Output height for an input of the given height.</summary>
    public int OutHeight(int height) => (height + 2 * PadH - DilationH * (KernelH - 1) - 1) / StrideH + 1;

    /// <summary>Output width for an input of the given width.</summary>
    public int OutWidth(int width) => (width + 2 * PadW - DilationW * (KernelW - 1) - 1) / StrideW + 1;

    /// <summary>Throws when a field is out of range: sizes and strides positive, padding not negative.</summary>
    public void ValidateWindow()
    {
        if (KernelH <= 0 || KernelW <= 0 || StrideH <= 0 || StrideW <= 0 ||
            PadH < 0 || PadW < 0 || DilationH <= 0 || DilationW <= 0)
        {
            throw new ArgumentException($"invalid window {this}");
        }
    }

    /// <summary>Throws when a field is out of range or the output for this input would be empty.</summary>
    public void Validate(int height, int width)
    {
        ValidateWindow();
        if (OutHeight(height) <= 0 || OutWidth(width) <= 0)
        {
            throw new ArgumentException($"window {this} does not fit an input of {height}x{width}");
        }
    }
}

public partial interface IBackend
{
    /// <summary>
    /// 2-D cross-correlation (what deep-learning libraries call convolution), NCHW:
    /// y [batch, out, outH, outW] = x [batch, in, height, width] * weight [out, in, kh, kw]
    /// + bias [out]. The spec's kernel must match weight's; y is overwritten.
    /// </summary>
    void Conv2DForward(Tensor x, Tensor weight, Tensor? bias, Conv2DSpec spec, Tensor y);

    /// <summary>dx [batch, in, height, width] += gradient of the convolution w.r.t. its input.</summary>
    void Conv2DBackwardData(Tensor dy, Tensor weight, Conv2DSpec spec, Tensor dx);

    /// <summary>
    /// dw [out, in, kh, kw] += gradient w.r.t. the weights; db [out] += dy summed over batch
    /// and positions when db is given.
    /// </summary>
    void Conv2DBackwardFilter(Tensor x, Tensor dy, Conv2DSpec spec, Tensor dw, Tensor? db);

    /// <summary>
    /// Max pooling, NCHW: y [batch, channels, outH, outW] = max over each window of x. Padded
    /// positions never win (they count as minus infinity). Dilation is honoured.
    /// </summary>
    void MaxPool2D(Tensor x, Conv2DSpec spec, Tensor y);

    /// <summary>
    /// dx += dy routed to the first position (in row-major window order) holding each window's
    /// maximum of x, the element that <see cref="MaxPool2D"/> returned.
    /// </summary>
    void MaxPool2DBackward(Tensor x, Tensor dy, Conv2DSpec spec, Tensor dx);

    /// <summary>
    /// Average pooling, NCHW: the mean over the window's positions inside the input (padding
    /// is excluded from the count, as Keras does and PyTorch with count_include_pad=false).
    /// </summary>
    void AvgPool2D(Tensor x, Conv2DSpec spec, Tensor y);

    /// <summary>dx += the gradient of <see cref="AvgPool2D"/>: each dy spread evenly over its window.</summary>
    void AvgPool2DBackward(Tensor dy, Conv2DSpec spec, Tensor dx);
}
