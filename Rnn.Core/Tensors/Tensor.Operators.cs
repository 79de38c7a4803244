namespace Rnn.Core;

// Arithmetic operators, so cell code reads like the formulas: h = o * Ops.Tanh(c).
public sealed partial class Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => Ops.Add(a, b);

    public static Tensor operator -(Tensor a, Tensor b) => Ops.Sub(a, b);

    public static Tensor operator *(Tensor a, Tensor b) => Ops.Mul(a, b);

    public static Tensor operator /(Tensor a, Tensor b) => Ops.Div(a, b);

    public static Tensor operator -(Tensor a) => Ops.Neg(a);

    public static Tensor operator +(Tensor a, float s) => Ops.AddScalar(a, s);

    public static Tensor operator +(float s, Tensor a) => Ops.AddScalar(a, s);

    public static Tensor operator -(Tensor a, float s) => Ops.AddScalar(a, -s);

    public static Tensor operator -(float s, Tensor a) => Ops.Affine(a, -1f, s);

    public static Tensor operator *(Tensor a, float s) => Ops.Scale(a, s);

    public static Tensor operator *(float s, Tensor a) => Ops.Scale(a, s);

    public static Tensor operator /(Tensor a, float s) => Ops.Scale(a, 1f / s);
}
