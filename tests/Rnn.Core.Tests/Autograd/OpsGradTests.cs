using Rnn.Core.Autograd;

namespace Rnn.Core.Tests.Autograd;

// Finite-difference checks of the basic differentiable ops. Tolerance: float32 central
// differences with h = 1e-2 carry about 1e-3 relative error on smooth functions.
public sealed class OpsGradTests
{
    private const float Tolerance = 2e-2f;

    private static Tensor R(ulong seed, params int[] shape) => new Rng(seed).Uniform(Backends.Default, -1f, 1f, shape);

    private static void AssertGrad(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = GradCheck.Check(f, inputs);
        Assert.That(r.MaxRelError, Is.LessThan(Tolerance), r.ToString());
    }

    [Test]
    public void BroadcastArithmetic() =>
        AssertGrad(x => (x[0] * x[1] + x[1]) / (Ops.AddScalar(Ops.Square(x[1]), 2f)) - x[0], R(1, 3, 4), R(2, 4));

    [Test]
    public void MatMulBothOperands() => AssertGrad(x => Ops.MatMul(x[0], x[1]), R(3, 2, 3, 4), R(4, 4, 5));

    [Test]
    public void MatMulTransposedAndBias() => AssertGrad(x => Ops.Linear(x[0], x[1], x[2]), R(5, 3, 4), R(6, 6, 4), R(7, 6));

    [Test]
    public void BatchedMatMul() => AssertGrad(x => Ops.MatMul(x[0], x[1], transB: true), R(8, 2, 3, 4), R(9, 2, 5, 4));

    [TestCase(UnaryOp.Sigmoid)]
    [TestCase(UnaryOp.Tanh)]
    [TestCase(UnaryOp.Exp)]
    [TestCase(UnaryOp.Square)]
    [TestCase(UnaryOp.Softplus)]
    [TestCase(UnaryOp.Gelu)]
    [TestCase(UnaryOp.Silu)]
    public void Unary(UnaryOp op) => AssertGrad(x => Ops.Apply(op, x[0]), R(10, 3, 5));

    [Test]
    public void LogSqrtOnPositive() =>
        AssertGrad(x => Ops.Log(Ops.AddScalar(Ops.Square(x[0]), 1f)) + Ops.Sqrt(Ops.AddScalar(Ops.Square(x[0]), 1f)), R(11, 4));

    [Test]
    public void SoftmaxAndLogSoftmax() => AssertGrad(x => Ops.Softmax(x[0]) + Ops.LogSoftmax(x[0]), R(12, 3, 5));

    [Test]
    public void ShapeOps() => AssertGrad(
        x => Ops.Concat(new[] { Ops.Slice(x[0], 1, 1, 2), Ops.Permute(x[1], 0, 2, 1) }, 1),
        R(13, 2, 4, 3), R(14, 2, 3, 5));

    [Test]
    public void StackSelectSum() => AssertGrad(
        x => Ops.Stack(new[] { Ops.Select(x[0], 1, 2), Ops.Sum(x[0], 1), Ops.Mean(x[0], 1) }, 0),
        R(15, 2, 3, 4));

    [Test]
    public void GatherRows() => AssertGrad(x => Ops.Gather(x[0], new[] { 2, 0, 2, 1 }), R(16, 3, 4));

    [Test]
    public void GradientAccumulatesWhenTensorIsReused()
    {
        var x = Tensor.FromArray(new[] { 3f }, 1);
        x.RequiresGrad = true;
        using var tape = Tape.Begin();
        var y = Ops.Sum(x * x * x);
        tape.Backward(y);
        Assert.That(x.Grad!.Item(), Is.EqualTo(27f).Within(1e-4));
    }
}
