using Rnn.Core.Autograd;

namespace Rnn.Core.Tests.Autograd;

// Finite-difference checks of the ops and variants that OpsGradTests does not exercise. Same
// tolerance and reason: float32 central differences with h = 1e-2 carry ~1e-3 relative error on
// smooth functions. Non-smooth ops (Abs, Relu, LeakyRelu, HardSigmoid) get inputs at least 0.1
// away from their kinks, so the +-h probe never crosses one.
public sealed class OpsGradCoverageTests
{
    private const float Tolerance = 2e-2f;

    private static Tensor R(ulong seed, params int[] shape) => new Rng(seed).Uniform(Backends.Default, -1f, 1f, shape);

    // Uniform in +-[0.1, 1.1]: never within 0.1 of zero.
    private static Tensor AwayFromZero(ulong seed, params int[] shape)
    {
        var t = R(seed, shape);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = MathF.CopySign(0.1f + MathF.Abs(s[i]), s[i]);
        }

        return t;
    }

    private static void AssertGrad(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = GradCheck.Check(f, inputs);
        Assert.That(r.MaxRelError, Is.LessThan(Tolerance), r.ToString());
    }

    [TestCase(UnaryOp.Identity)]
    [TestCase(UnaryOp.Neg)]
    [TestCase(UnaryOp.Abs)]
    [TestCase(UnaryOp.Reciprocal)]
    [TestCase(UnaryOp.Relu)]
    public void UnaryAwayFromKinks(UnaryOp op) => AssertGrad(x => Ops.Apply(op, x[0]), AwayFromZero(20, 3, 4));

    [Test]
    public void HardSigmoidOnBothSidesOfItsKinks()
    {
        // Kinks at -3 and 3: probe the flat parts and the linear middle.
        var x = Tensor.FromArray(new[] { -4.5f, -3.4f, -2.6f, -1f, 0.3f, 2.5f, 3.3f, 5f }, 2, 4);
        AssertGrad(v => Ops.HardSigmoid(v[0]), x);
    }

    [TestCase(0.01f)]
    [TestCase(0.3f)]
    public void LeakyRelu(float slope) => AssertGrad(x => Ops.LeakyRelu(x[0], slope), AwayFromZero(21, 4, 3));

    [Test]
    public void NamedUnaryWrappers() => AssertGrad(
        x => Ops.Neg(Ops.Abs(x[0])) + Ops.Relu(x[0])
             + Ops.Sigmoid(x[0]) * Ops.Tanh(x[0]) + Ops.Exp(Ops.Scale(x[0], 0.5f)),
        AwayFromZero(22, 5));

    [Test]
    public void ScaleAndOneMinus() =>
        AssertGrad(x => Ops.OneMinus(Ops.Scale(x[0], -2.5f)) * Ops.Affine(x[0], 0.5f, 3f), R(23, 2, 3));

    [Test]
    public void SubAndDivWithBothSidesBroadcast()
    {
        // [3, 1] against [1, 4]: each operand's gradient must be summed over the axis it was stretched on.
        var b = AwayFromZero(25, 1, 4);
        AssertGrad(x => Ops.Sub(x[0], x[1]) + Ops.Div(x[0], Ops.AddScalar(Ops.Square(x[1]), 0.5f)), R(24, 3, 1), b);
    }

    [Test]
    public void BroadcastScalarOperand() => AssertGrad(
        x => Ops.Mul(x[0], x[1]) - Ops.Div(x[1], Ops.AddScalar(Ops.Square(x[0]), 1f)),
        R(26, 2, 3), Tensor.FromArray(new[] { 0.7f }, Array.Empty<int>()));

    [Test]
    public void LinearWithoutBiasOnRank3Input() => AssertGrad(x => Ops.Linear(x[0], x[1]), R(27, 2, 3, 4), R(28, 5, 4));

    [Test]
    public void BatchedMatMulWithoutTranspose() =>
        AssertGrad(x => Ops.MatMul(x[0], x[1]), R(29, 2, 3, 4), R(30, 2, 4, 2));

    [Test]
    public void FullSumAndMean() => AssertGrad(
        x => Ops.Stack(new[] { Ops.Sum(Ops.Square(x[0])), Ops.Mean(Ops.Tanh(x[0])) }, 0), R(31, 3, 4));

    [TestCase(0, true)]
    [TestCase(-1, true)]
    [TestCase(-1, false)]
    public void SumAndMeanAlongAxisWithKeepDim(int axis, bool keepDim) => AssertGrad(
        x => Ops.Sum(Ops.Square(x[0]), axis, keepDim) + Ops.Mean(x[0], axis, keepDim), R(32, 2, 3, 4));

    [Test]
    public void SoftmaxAndLogSoftmaxOnRank3() =>
        AssertGrad(x => Ops.Softmax(x[0]) * Ops.LogSoftmax(Ops.Scale(x[0], 2f)), R(33, 2, 2, 5));

    [Test]
    public void ReshapeAndTranspose() => AssertGrad(
        x => Ops.MatMul(Ops.Transpose(Ops.Reshape(x[0], 2, 3, 2)), Ops.Reshape(x[1], -1, 3)), R(34, 12), R(35, 3, 3));

    [Test]
    public void SliceSelectConcatStackOnOtherAxes() => AssertGrad(
        x => Ops.Stack(new[]
        {
            // First axis swapped, then last axis swapped: both [2, 3, 2].
            Ops.Concat(new[] { Ops.Slice(x[0], 0, 1, 1), Ops.Slice(x[0], 0, 0, 1) }, 0),
            Ops.Concat(new[] { Ops.Slice(x[0], 2, 1, 1), Ops.Slice(x[0], 2, 0, 1) }, -1),
        }, -1) * Ops.Reshape(Ops.Select(x[0], 0, 1), 1, 3, 2, 1),
        R(36, 2, 3, 2));

    [Test]
    public void ApplyMaskWithAFixedMask()
    {
        // A fixed mask makes the op deterministic: kept elements scale by 2, the others get zero gradient.
        var mask = new Rng(37).Uniform(Backends.Default, 0f, 1f, 4, 5);
        AssertGrad(x => Ops.ApplyMask(Ops.Square(x[0]), mask, 0.5f, 2f), R(38, 4, 5));
    }

    [Test]
    public void DropoutWithReseededRng() =>
        AssertGrad(x => Ops.Dropout(Ops.Tanh(x[0]), 0.4f, new Rng(39)), R(40, 3, 6));

    [Test]
    public void DetachStopsTheGradient()
    {
        var x = R(41, 2, 3);
        x.RequiresGrad = true;
        using var tape = Tape.Begin();
        var y = Ops.Sum(Ops.Mul(x, Ops.Detach(x)));   // d/dx = detached x, not 2x
        tape.Backward(y);
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(x.ToArray()).Within(1e-6f));
    }
}
