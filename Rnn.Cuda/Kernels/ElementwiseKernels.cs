using ILGPU;
using Rnn.Core;

namespace Rnn.Cuda.Kernels;

/// <summary>
/// Element-wise kernels, one thread per element. The formulas are those of
/// <see cref="Scalar"/>, the reference every backend is checked against.
/// </summary>
internal static class ElementwiseKernels
{
    // sqrt(2 / pi), from the tanh approximation of GELU (Hendrycks and Gimpel, 2016).
    private const float GeluC = 0.7978845608f;

    public static float Sigmoid(float x) =>
        x >= 0 ? 1f / (1f + MathF.Exp(-x)) : MathF.Exp(x) / (1f + MathF.Exp(x));

    public static float Apply(int op, float x)
    {
        switch ((UnaryOp)op)
        {
            case UnaryOp.Identity: return x;
            case UnaryOp.Neg: return -x;
            case UnaryOp.Exp: return MathF.Exp(x);
            case UnaryOp.Log: return MathF.Log(x);
            case UnaryOp.Sqrt: return MathF.Sqrt(x);
            case UnaryOp.Square: return x * x;
            case UnaryOp.Abs: return MathF.Abs(x);
            case UnaryOp.Reciprocal: return 1f / x;
            case UnaryOp.Sigmoid: return Sigmoid(x);
            case UnaryOp.Tanh: return MathF.Tanh(x);
            case UnaryOp.Relu: return x > 0 ? x : 0f;
            case UnaryOp.Softplus: return x > 20f ? x : MathF.Log(1f + MathF.Exp(x));
            case UnaryOp.Gelu: return 0.5f * x * (1f + MathF.Tanh(GeluC * (x + 0.044715f * x * x * x)));
            case UnaryOp.Silu: return x * Sigmoid(x);
            default: return MathF.Min(MathF.Max(x / 6f + 0.5f, 0f), 1f);   // HardSigmoid (Keras)
        }
    }

    public static float Derivative(int op, float x, float y)
    {
        switch ((UnaryOp)op)
        {
            case UnaryOp.Identity: return 1f;
            case UnaryOp.Neg: return -1f;
            case UnaryOp.Exp: return y;
            case UnaryOp.Log: return 1f / x;
            case UnaryOp.Sqrt: return 0.5f / y;
            case UnaryOp.Square: return 2f * x;
            case UnaryOp.Abs: return x > 0 ? 1f : x < 0 ? -1f : 0f;
            case UnaryOp.Reciprocal: return -y * y;
            case UnaryOp.Sigmoid: return y * (1f - y);
            case UnaryOp.Tanh: return 1f - y * y;
            case UnaryOp.Relu: return x > 0 ? 1f : 0f;
            case UnaryOp.Softplus: return Sigmoid(x);
            case UnaryOp.Gelu:
                float t = MathF.Tanh(GeluC * (x + 0.044715f * x * x * x));
                float dInner = GeluC * (1f + 3f * 0.044715f * x * x);
                return 0.5f * (1f + t) + 0.5f * x * (1f - t * t) * dInner;
            case UnaryOp.Silu:
                float s = Sigmoid(x);
                return s * (1f + x * (1f - s));
            default: return x > -3f && x < 3f ? 1f / 6f : 0f;   // HardSigmoid
        }
    }

    public static float Apply(int op, float a, float b)
    {
        switch ((BinaryOp)op)
        {
            case BinaryOp.Add: return a + b;
            case BinaryOp.Sub: return a - b;
            case BinaryOp.Mul: return a * b;
            case BinaryOp.Div: return a / b;
            case BinaryOp.Max: return MathF.Max(a, b);
            default: return MathF.Min(a, b);
        }
    }

    public static void Unary(Index1D i, ArrayView<float> x, ArrayView<float> y, int op) => y[i] = Apply(op, x[i]);

    public static void UnaryBackward(
        Index1D i, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int op) =>
        dx[i] += dy[i] * Derivative(op, x[i], y[i]);

    public static void LeakyRelu(Index1D i, ArrayView<float> x, ArrayView<float> y, float slope)
    {
        float v = x[i];
        y[i] = v > 0 ? v : slope * v;
    }

    public static void LeakyReluBackward(
        Index1D i, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, float slope) =>
        dx[i] += dy[i] * (x[i] > 0 ? 1f : slope);

    /// <summary>c = a op b on equal-length tensors.</summary>
    public static void BinarySame(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int op) =>
        c[i] = Apply(op, a[i], b[i]);

    /// <summary>c = a op b with numpy broadcasting: strides of a and b are 0 on stretched axes.</summary>
    public static void BinaryBroadcast(
        Index1D o, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int op, Broadcast p)
    {
        int rest = o;
        int ao = 0, bo = 0;
        for (int axis = p.Rank - 1; axis >= 0; axis--)
        {
            int dim = p.OutShape.Get(axis);
            int idx = rest % dim;
            rest /= dim;
            ao += idx * p.AStrides.Get(axis);
            bo += idx * p.BStrides.Get(axis);
        }

        c[o] = Apply(op, a[ao], b[bo]);
    }

    public static void Affine(Index1D i, ArrayView<float> x, ArrayView<float> y, float alpha, float beta) =>
        y[i] = beta != 0f ? alpha * x[i] + beta : alpha * x[i];

    public static void Axpy(Index1D i, ArrayView<float> x, ArrayView<float> y, float alpha) => y[i] += alpha * x[i];

    public static void Dropout(
        Index1D i, ArrayView<float> x, ArrayView<float> mask, ArrayView<float> y, float threshold, float scale) =>
        y[i] = mask[i] >= threshold ? x[i] * scale : 0f;
}

/// <summary>Output shape and the strides of both inputs aligned to it (0 where broadcast).</summary>
internal struct Broadcast
{
    public int Rank;
    public Dims OutShape;
    public Dims AStrides;
    public Dims BStrides;

    /// <summary>Strides of x aligned to the output's rank, 0 on axes where x has size 1 or none.</summary>
    public static Dims StridesFor(ReadOnlySpan<int> x, ReadOnlySpan<int> output)
    {
        int rank = output.Length;
        var strides = new int[rank];
        int s = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            int xi = i - (rank - x.Length);
            int dim = xi >= 0 ? x[xi] : 1;
            strides[i] = dim == 1 ? 0 : s;
            s *= dim;
        }

        return Dims.From(strides);
    }
}
