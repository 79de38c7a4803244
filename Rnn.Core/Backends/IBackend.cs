namespace Rnn.Core;

/// <summary>Element-wise functions of one input that the backend contract implements.</summary>
public enum UnaryOp
{
    Identity,
    Neg,
    Exp,
    Log,
    Sqrt,
    Square,
    Abs,
    Reciprocal,
    Sigmoid,
    Tanh,
    Relu,
    Softplus,
    Gelu,
    Silu,
    HardSigmoid,
}

/// <summary>Element-wise functions of two inputs, with numpy broadcasting.</summary>
public enum BinaryOp
{
    Add,
    Sub,
    Mul,
    Div,
    Max,
    Min,
}

/// <summary>
/// The backend contract: every numeric operation Rnn.Core needs, on tensors that the backend
/// allocated. All tensors are contiguous and row-major; offsets and leading dimensions let one
/// call work on a slice of a larger buffer (one time step of a sequence, for example).
/// </summary>
/// <remarks>
/// The contract is split over several files (partial interface) by concern: this file holds
/// memory, element-wise ops and reductions; the others hold GEMM, convolution, the fused
/// recurrent gate kernels and optimizer updates. Every method is checked against a plain
/// reference by the conformance suite.
/// </remarks>
public partial interface IBackend
{
    /// <summary>Human-readable name, e.g. "cpu (avx2+fma, 2 threads)".</summary>
    string Name { get; }

    // ---- memory ----

    /// <summary>An uninitialised tensor (contents unspecified).</summary>
    Tensor Allocate(ReadOnlySpan<int> shape);

    /// <summary>A tensor of zeros.</summary>
    Tensor Zeros(ReadOnlySpan<int> shape);

    /// <summary>A tensor holding a copy of <paramref name="data"/>.</summary>
    Tensor FromArray(ReadOnlySpan<float> data, ReadOnlySpan<int> shape);

    /// <summary>Copies a tensor's elements to host memory.</summary>
    void CopyToHost(Tensor src, Span<float> dst);

    /// <summary>Copies host memory into a tensor (lengths must match).</summary>
    void CopyFromHost(ReadOnlySpan<float> src, Tensor dst);

    /// <summary>dst = src (same length, shapes may differ).</summary>
    void Copy(Tensor src, Tensor dst);

    /// <summary>
    /// Strided block copy, the primitive behind slicing and concatenation: for b in
    /// [0, blockCount), copies blockLength elements from src[srcOffset + b*srcStride] to
    /// dst[dstOffset + b*dstStride]; adds instead of overwriting when accumulate is true.
    /// </summary>
    void CopyBlocks(
        Tensor src, int srcOffset, int srcStride,
        Tensor dst, int dstOffset, int dstStride,
        int blockLength, int blockCount, bool accumulate = false);

    /// <summary>y = x with axes permuted: y.shape[i] = x.shape[perm[i]].</summary>
    void Permute(Tensor x, ReadOnlySpan<int> perm, Tensor y);

    /// <summary>Sets every element to value.</summary>
    void Fill(Tensor t, float value);

    // ---- element-wise ----

    /// <summary>y = f(x) element-wise (x and y may be the same tensor).</summary>
    void Unary(UnaryOp op, Tensor x, Tensor y);

    /// <summary>
    /// dx += dy * f'(x), using y = f(x) where that is cheaper (sigmoid, tanh, exp).
    /// </summary>
    void UnaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor dy, Tensor dx);

    /// <summary>y = max(x, slope*x) element-wise.</summary>
    void LeakyRelu(Tensor x, float slope, Tensor y);

    /// <summary>dx += dy * (x &gt; 0 ? 1 : slope).</summary>
    void LeakyReluBackward(Tensor x, float slope, Tensor dy, Tensor dx);

    /// <summary>c = a op b with numpy broadcasting of a and b to c's shape.</summary>
    void Binary(BinaryOp op, Tensor a, Tensor b, Tensor c);

    /// <summary>y = alpha * x + beta element-wise.</summary>
    void Affine(Tensor x, float alpha, float beta, Tensor y);

    /// <summary>y += alpha * x (same length).</summary>
    void Axpy(float alpha, Tensor x, Tensor y);

    /// <summary>
    /// y = x where mask &gt;= threshold else 0, scaled by scale (inverted dropout); mask holds
    /// uniform [0,1) numbers of x's shape.
    /// </summary>
    void DropoutMask(Tensor x, Tensor mask, float threshold, float scale, Tensor y);

    // ---- reductions ----

    /// <summary>
    /// dst = sum of src over the axes that broadcasting stretched: dst's shape broadcasts to
    /// src's shape. Adds into dst when accumulate is true. Used by the backward of broadcast ops.
    /// </summary>
    void ReduceSumTo(Tensor src, Tensor dst, bool accumulate);

    /// <summary>Sum of all elements, returned to the host.</summary>
    float Sum(Tensor x);

    /// <summary>Dot product of two equal-length tensors, returned to the host.</summary>
    float Dot(Tensor a, Tensor b);

    /// <summary>y[r] = max over the last axis of x [rows, cols]; y has rows elements.</summary>
    void RowMax(Tensor x, Tensor y);

    /// <summary>Softmax over the last axis of x [rows, cols].</summary>
    void Softmax(Tensor x, Tensor y);

    /// <summary>Log-softmax over the last axis of x [rows, cols].</summary>
    void LogSoftmax(Tensor x, Tensor y);

    /// <summary>dx += y * (dy - sum(dy * y)) per row, for y = softmax(x).</summary>
    void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx);

    /// <summary>dx += dy - exp(y) * sum(dy) per row, for y = log_softmax(x).</summary>
    void LogSoftmaxBackward(Tensor y, Tensor dy, Tensor dx);

    // ---- indexing ----

    /// <summary>y[i, :] = table[indices[i], :] for table [rows, cols], y [n, cols].</summary>
    void GatherRows(Tensor table, ReadOnlySpan<int> indices, Tensor y);

    /// <summary>tableGrad[indices[i], :] += dy[i, :]; negative indices are skipped.</summary>
    void ScatterAddRows(Tensor dy, ReadOnlySpan<int> indices, Tensor tableGrad);
}
