using Rnn.Core.Autograd;
using Rnn.Core.Nn;

namespace Rnn.Core.Tests.Nn;

public sealed class ConvLayerTests
{
    [Test]
    public void Conv2DInitialisesGlorotUniformByReceptiveField()
    {
        var conv = new Conv2D(4, 6, 3, new Rng(1));
        // fan-in 4*3*3 = 36, fan-out 6*3*3 = 54: bound sqrt(6 / 90).
        float bound = MathF.Sqrt(6f / 90f);
        var w = conv.Weight.Value.ToArray();
        Assert.That(w, Has.Length.EqualTo(6 * 4 * 3 * 3));
        Assert.That(w.Max(MathF.Abs), Is.LessThanOrEqualTo(bound).And.GreaterThan(0.9f * bound));
        Assert.That(conv.Bias!.Value.ToArray(), Is.All.EqualTo(0f));
        Assert.That(new Conv2D(4, 6, 3, new Rng(1)).Weight.Value.ToArray(), Is.EqualTo(w), "same seed, same weights");
    }

    [Test]
    public void Conv2DLayerShapesAndErrors()
    {
        var conv = new Conv2D(2, 5, 3, new Rng(2), stride: 2, padding: 1, useBias: false);
        Assert.That(conv.Parameters().Count(), Is.EqualTo(1));
        var y = conv.Forward(Tensor.Zeros(3, 2, 9, 8));
        Assert.That(y.ShapeArray, Is.EqualTo(new[] { 3, 5, 5, 4 }));
        var ex = Assert.Throws<ArgumentException>(() => conv.Forward(Tensor.Zeros(3, 4, 9, 8)));
        Assert.That(ex!.Message, Does.Contain("[3, 4, 9, 8]"));
        Assert.Throws<ArgumentException>(() => new Conv2D(2, 5, 0, new Rng(3)));
    }

    [Test]
    public void PoolingLayersMatchOps()
    {
        var x = new Rng(4).Uniform(Backends.Default, -1f, 1f, 2, 3, 6, 5);
        Assert.That(new MaxPool2D(2).Forward(x).ToArray(), Is.EqualTo(Ops.MaxPool2D(x, 2).ToArray()));
        Assert.That(new AvgPool2D(3, 1, 1).Forward(x).ToArray(), Is.EqualTo(Ops.AvgPool2D(x, 3, 1, 1).ToArray()));
        Assert.That(new MaxPool2D(2).Forward(x).ShapeArray, Is.EqualTo(new[] { 2, 3, 3, 2 }));
        Assert.That(new GlobalAvgPool2D().Forward(x).ShapeArray, Is.EqualTo(new[] { 2, 3 }));
    }

    [Test]
    public void SmallConvNetTrainsThroughTheTape()
    {
        // conv -> relu -> max pool -> global average -> dense: one gradient step must lower
        // the loss, which needs every backward pass in the chain to point the right way.
        var rng = new Rng(5);
        var net = new Sequential(
            new Conv2D(1, 4, 3, rng, padding: 1, activation: UnaryOp.Relu),
            new MaxPool2D(2),
            new GlobalAvgPool2D(),
            new Dense(4, 1, rng));
        var x = rng.Uniform(Backends.Default, -1f, 1f, 4, 1, 6, 6);
        var target = Tensor.FromArray(new[] { 1f, -1f, 0.5f, 0f }, 4, 1);
        float Loss()
        {
            using var _ = Tape.NoGrad();
            return Ops.Mean(Ops.Square(Ops.Sub(net.Forward(x), target))).Item();
        }

        float before = Loss();
        using (var tape = Tape.Begin())
        {
            tape.Backward(Ops.Mean(Ops.Square(Ops.Sub(net.Forward(x), target))));
        }

        foreach (var p in net.Parameters())
        {
            p.Value.Backend.Axpy(-0.1f, p.Grad!, p.Value);
        }

        Assert.That(Loss(), Is.LessThan(before));
    }
}
