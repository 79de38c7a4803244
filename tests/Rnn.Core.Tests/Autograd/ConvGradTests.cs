using Rnn.Core.Autograd;
using Rnn.Core.Nn;

namespace Rnn.Core.Tests.Autograd;

// Finite-difference checks of the convolution and pooling ops and layers. Tolerance 2e-2
// relative, as for the other grad checks: central differences in float32 with h = 1e-2.
public sealed class ConvGradTests
{
    private static Tensor R(ulong seed, params int[] shape) => new Rng(seed).Uniform(Backends.Default, -1f, 1f, shape);

    private static void AssertGrad(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = GradCheck.Check(f, inputs);
        Assert.That(r.MaxRelError, Is.LessThan(2e-2f), r.ToString());
    }

    [Test]
    public void Conv2DStridedPadded() =>
        AssertGrad(
            t => Ops.Conv2D(t[0], t[1], t[2], stride: 2, padding: 1), R(1, 2, 2, 5, 4), R(2, 3, 2, 3, 3), R(3, 3));

    [Test]
    public void Conv2DDilatedNoBias() =>
        AssertGrad(
            t => Ops.Conv2D(t[0], t[1], null, stride: 1, padding: 2, dilation: 2), R(4, 1, 2, 5, 5), R(5, 2, 2, 3, 3));

    [Test]
    public void Conv2DBiasGradientWithFrozenWeight()
    {
        // Only x and the bias require grad: the filter pass runs into scratch for the bias alone.
        var w = R(14, 2, 3, 3, 3);
        AssertGrad(t => Ops.Conv2D(t[0], w, t[1], stride: 1, padding: 1), R(15, 2, 3, 4, 4), R(16, 2));
        Assert.That(w.Grad, Is.Null);
    }

    [Test]
    public void Conv2DSameKeepsSize()
    {
        var y = Ops.Conv2DSame(R(6, 1, 2, 5, 4), R(7, 3, 2, 3, 5));
        Assert.That(y.ShapeArray, Is.EqualTo(new[] { 1, 3, 5, 4 }));
        Assert.Throws<ArgumentException>(() => Conv2DSpec.SamePadding(4));
    }

    [Test]
    public void Conv2DLayerParameters()
    {
        var conv = new Conv2D(2, 3, 3, new Rng(8), padding: 1, activation: UnaryOp.Tanh);
        Assert.That(conv.NamedParameters().Select(p => p.Path), Is.EqualTo(new[] { "weight", "bias" }));
        Assert.That(conv.Weight.Value.ShapeArray, Is.EqualTo(new[] { 3, 2, 3, 3 }));
        conv.Bias!.Load(R(9, 3).ToArray());
        var x = R(10, 2, 2, 4, 3);
        AssertGrad(_ => conv.Forward(x), new[] { x }.Concat(conv.Parameters().Select(p => p.Value)).ToArray());
    }

    [Test]
    public void MaxPoolRoutesGradientToMaximum()
    {
        // Distinct values (a shuffled ramp) keep every maximum unique, so finite differences
        // never straddle a tie.
        var values = Enumerable.Range(0, 2 * 2 * 5 * 5).Select(i => i * 0.1f).ToArray();
        new Rng(11).Shuffle(values.AsSpan());
        var x = Tensor.FromArray(values, 2, 2, 5, 5);
        AssertGrad(t => Ops.MaxPool2D(t[0], kernel: 3, stride: 2, padding: 1), x);
    }

    [Test]
    public void AvgAndGlobalPool()
    {
        AssertGrad(t => Ops.AvgPool2D(t[0], kernel: 2, stride: 1, padding: 1), R(12, 2, 2, 4, 3));
        AssertGrad(t => new GlobalAvgPool2D().Forward(t[0]), R(13, 2, 3, 4, 3));
        var y = Ops.GlobalAvgPool2D(Tensor.Full(2f, 1, 2, 3, 3));
        Assert.That(y.ToArray(), Is.EqualTo(new[] { 2f, 2f }));
    }
}
