using Pipelines.Video.Emotion;
using Rnn.Core;
using Rnn.Core.Autograd;

namespace Pipelines.Video.Tests.Emotion;

[TestFixture]
public sealed class MaxPool2x2Tests
{
    [Test]
    public void Matches_the_core_max_pool_forward_and_backward()
    {
        var rng = new Rng(5);
        var data = rng.Normal(Backends.Default, 1f, 2, 3, 6, 4).ToArray();
        var a = Tensor.FromArray(data, 2, 3, 6, 4);
        var b = Tensor.FromArray((float[])data.Clone(), 2, 3, 6, 4);
        a.RequiresGrad = b.RequiresGrad = true;
        var w = rng.Normal(Backends.Default, 1f, 2, 3, 3, 2);

        Tensor ya, yb;
        using (var tape = Tape.Begin())
        {
            ya = MaxPool2x2.Forward(a);
            tape.Backward(Ops.Sum(Ops.Mul(ya, w)));
        }

        using (var tape = Tape.Begin())
        {
            yb = Ops.MaxPool2D(b, 2);
            tape.Backward(Ops.Sum(Ops.Mul(yb, w)));
        }

        Assert.That(ya.ShapeArray, Is.EqualTo(new[] { 2, 3, 3, 2 }));
        Assert.That(ya.ToArray(), Is.EqualTo(yb.ToArray()));
        Assert.That(a.Grad!.ToArray(), Is.EqualTo(b.Grad!.ToArray()));
    }

    [Test]
    public void Odd_sizes_are_refused_with_the_shape()
    {
        var x = Tensor.Zeros(1, 1, 5, 4);

        Assert.That(() => MaxPool2x2.Forward(x), Throws.ArgumentException.With.Message.Contains("[1, 1, 5, 4]"));
    }
}
