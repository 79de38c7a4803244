namespace Rnn.Core;

/// <summary>
/// Scalar definitions of the element-wise functions and their derivatives: the reference that
/// every backend's vector code is tested against.
/// </summary>
public static class Scalar
{
    /// <summary>f(x) for a unary op.</summary>
    public static float Apply(UnaryOp op, float x) => op switch
    {
        UnaryOp.Identity => x,
        UnaryOp.Neg => -x,
        UnaryOp.Exp => MathF.Exp(x),
        UnaryOp.Log => MathF.Log(x),
        UnaryOp.Sqrt => MathF.Sqrt(x),
        UnaryOp.Square => x * x,
        UnaryOp.Abs => MathF.Abs(x),
        UnaryOp.Reciprocal => 1f / x,
        UnaryOp.Sigmoid => Sigmoid(x),
        UnaryOp.Tanh => MathF.Tanh(x),
        UnaryOp.Relu => x > 0 ? x : 0f,
        // log(1 + e^x) without overflow for large x.
        UnaryOp.Softplus => x > 20f ? x : MathF.Log(1f + MathF.Exp(x)),
        UnaryOp.Gelu => 0.5f * x * (1f + MathF.Tanh(GeluC * (x + 0.044715f * x * x * x))),
        UnaryOp.Silu => x * Sigmoid(x),
        // Keras' hard sigmoid: clip(x/6 + 1/2, 0, 1).
        UnaryOp.HardSigmoid => Math.Clamp(x / 6f + 0.5f, 0f, 1f),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>f'(x), given x and y = f(x).</summary>
    public static float Derivative(UnaryOp op, float x, float y) => op switch
    {
        UnaryOp.Identity => 1f,
        UnaryOp.Neg => -1f,
        UnaryOp.Exp => y,
        UnaryOp.Log => 1f / x,
        UnaryOp.Sqrt => 0.5f / y,
        UnaryOp.Square => 2f * x,
        UnaryOp.Abs => x > 0 ? 1f : x < 0 ? -1f : 0f,
        UnaryOp.Reciprocal => -y * y,
        UnaryOp.Sigmoid => y * (1f - y),
        UnaryOp.Tanh => 1f - y * y,
        UnaryOp.Relu => x > 0 ? 1f : 0f,
        UnaryOp.Softplus => Sigmoid(x),
        UnaryOp.Gelu => GeluDerivative(x),
        UnaryOp.Silu => Sigmoid(x) * (1f + x * (1f - Sigmoid(x))),
        UnaryOp.HardSigmoid => x > -3f && x < 3f ? 1f / 6f : 0f,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>a op b for a binary op.</summary>
    public static float Apply(BinaryOp op, float a, float b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Sub => a - b,
        BinaryOp.Mul => a * b,
        BinaryOp.Div => a / b,
        BinaryOp.Max => MathF.Max(a, b),
        BinaryOp.Min => MathF.Min(a, b),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>The logistic function, stable for large |x|.</summary>
    public static float Sigmoid(float x) =>
        x >= 0 ? 1f / (1f + MathF.Exp(-x)) : MathF.Exp(x) / (1f + MathF.Exp(x));

    // sqrt(2 / pi), from the tanh approximation of GELU (Hendrycks and Gimpel, 2016).
    private const float GeluC = 0.7978845608f;

    private static float GeluDerivative(float x)
    {
        float inner = GeluC * (x + 0.044715f * x * x * x);
        float t = MathF.Tanh(inner);
        float dInner = GeluC * (1f + 3f * 0.044715f * x * x);
        return 0.5f * (1f + t) + 0.5f * x * (1f - t * t) * dInner;
    }
}
