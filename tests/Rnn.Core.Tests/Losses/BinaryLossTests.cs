using Rnn.Core.Autograd;
using Rnn.Core.Losses;

namespace Rnn.Core.Tests.Losses;

// MSE, BCE and BCE-with-logits: values against their formulas and finite-difference gradients.
public sealed class BinaryLossTests
{
    private static Tensor U(ulong seed, float low, float high, params int[] shape) =>
        new Rng(seed).Uniform(Backends.Default, low, high, shape);

    [Test]
    public void MseValueAndGradient()
    {
        var p = Tensor.FromArray(new[] { 1f, 2f, 4f });
        var t = Tensor.FromArray(new[] { 0f, 2f, 1f });
        Assert.That(MseLoss.Compute(p, t).Item(), Is.EqualTo(10f / 3).Within(1e-6f));
        Assert.That(MseLoss.Compute(p, t, Reduction.Sum).Item(), Is.EqualTo(10f));
        var r = GradCheck.Check(x => MseLoss.Compute(x[0], x[1]), new[] { U(1, -1, 1, 2, 3), U(2, -1, 1, 2, 3) });
        Assert.That(r.MaxRelError, Is.LessThan(2e-2f), r.ToString());
        Assert.That(() => MseLoss.Compute(p, Tensor.Zeros(3, 1)), Throws.ArgumentException);
    }

    [Test]
    public void BceValueClampsAtTheEdges()
    {
        var p = Tensor.FromArray(new[] { 0.8f, 0f, 1f });
        var t = Tensor.FromArray(new[] { 1f, 1f, 1f });
        var losses = BceLoss.Compute(p, t, Reduction.None).ToArray();
        Assert.That(losses[0], Is.EqualTo(-Math.Log(0.8)).Within(1e-6));
        Assert.That(losses[1], Is.EqualTo(100f));
        Assert.That(losses[2], Is.EqualTo(0f));
        Assert.That(() => BceLoss.Compute(Tensor.FromArray(new[] { 1.5f }), Tensor.FromArray(new[] { 1f })),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("1.5"));
    }

    [TestCase(Reduction.Mean)]
    [TestCase(Reduction.None)]
    public void BceGradient(Reduction reduction)
    {
        var target = U(3, 0, 1, 3, 4);
        // h = 1e-3 keeps p +- h inside (0, 1) with room to spare near 0.1 and 0.9.
        var r = GradCheck.Check(
            x => BceLoss.Compute(x[0], target, reduction), new[] { U(4, 0.1f, 0.9f, 3, 4) }, step: 1e-3f);
        Assert.That(r.MaxRelError, Is.LessThan(2e-2f), r.ToString());
    }

    [Test]
    public void BceWithLogitsIsStableAndMatchesBceOfSigmoid()
    {
        var x = Tensor.FromArray(new[] { -3f, 0.5f, 2f, 200f, -200f });
        var t = Tensor.FromArray(new[] { 0f, 1f, 0.3f, 0f, 0f });
        var losses = BceWithLogitsLoss.Compute(x, t, Reduction.None).ToArray();
        for (int i = 0; i < 3; i++)
        {
            double s = 1 / (1 + Math.Exp(-x.ToArray()[i]));
            double expected = -(t.ToArray()[i] * Math.Log(s) + (1 - t.ToArray()[i]) * Math.Log(1 - s));
            Assert.That(losses[i], Is.EqualTo(expected).Within(1e-5));
        }

        Assert.That(losses[3], Is.EqualTo(200f));   // the plain form overflows here
        Assert.That(losses[4], Is.EqualTo(0f));
    }

    [TestCase(Reduction.Mean)]
    [TestCase(Reduction.Sum)]
    public void BceWithLogitsGradient(Reduction reduction)
    {
        var target = U(5, 0, 1, 2, 5);
        var r = GradCheck.Check(x => BceWithLogitsLoss.Compute(x[0], target, reduction), new[] { U(6, -3, 3, 2, 5) });
        Assert.That(r.MaxRelError, Is.LessThan(2e-2f), r.ToString());
    }
}
