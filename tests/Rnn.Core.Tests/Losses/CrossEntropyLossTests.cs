using Rnn.Core.Autograd;
using Rnn.Core.Losses;

namespace Rnn.Core.Tests.Losses;

public sealed class CrossEntropyLossTests
{
    private static Tensor R(ulong seed, params int[] shape) => new Rng(seed).Uniform(Backends.Default, -2f, 2f, shape);

    [Test]
    public void ValueIsNegativeLogSoftmaxOfTheTarget()
    {
        var logits = Tensor.FromArray(new[] { 1f, 2f, 3f, 0f, 0f, 0f }, 2, 3);
        float loss = CrossEntropyLoss.Compute(logits, new[] { 2, 0 }).Item();
        double first = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)) - 3;
        Assert.That(loss, Is.EqualTo((first + Math.Log(3)) / 2).Within(1e-6));
    }

    [Test]
    public void LabelSmoothingMixesInTheMeanOverClasses()
    {
        var logits = Tensor.FromArray(new[] { 1f, 2f, 3f }, 1, 3);
        float loss = CrossEntropyLoss.Compute(logits, new[] { 0 }, labelSmoothing: 0.3f).Item();
        double lse = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3));
        double nll0 = lse - 1;
        double meanNll = (3 * lse - 6) / 3;
        Assert.That(loss, Is.EqualTo(0.7 * nll0 + 0.3 * meanNll).Within(1e-5));
    }

    [Test]
    public void IgnoredRowsAddNothing()
    {
        var logits = R(1, 3, 4);
        var targets = new[] { 1, -100, 3 };
        logits.RequiresGrad = true;
        using var tape = Tape.Begin();
        var loss = CrossEntropyLoss.Compute(logits, targets);
        var none = CrossEntropyLoss.Compute(Ops.Detach(logits), targets, reduction: Reduction.None).ToArray();
        Assert.That(none[1], Is.EqualTo(0f));
        Assert.That(loss.Item(), Is.EqualTo((none[0] + none[2]) / 2).Within(1e-6f));
        tape.Backward(loss);
        Assert.That(logits.Grad!.ToArray().Skip(4).Take(4), Is.All.EqualTo(0f));
        Assert.That(CrossEntropyLoss.Compute(logits, new[] { -100, -100, -100 }).Item(), Is.EqualTo(0f));
    }

    [TestCase(Reduction.Mean, 0f)]
    [TestCase(Reduction.Mean, 0.2f)]
    [TestCase(Reduction.Sum, 0.1f)]
    [TestCase(Reduction.None, 0f)]
    public void GradientMatchesFiniteDifferences(Reduction reduction, float smoothing)
    {
        var targets = new[] { 0, 4, 7, 2, 2, 1 };
        var r = GradCheck.Check(
            x => CrossEntropyLoss.Compute(x[0], targets, smoothing, ignoreIndex: 7, reduction: reduction),
            new[] { R(2, 2, 3, 5) });
        Assert.That(r.MaxRelError, Is.LessThan(2e-2f), r.ToString());
    }

    [Test]
    public void RejectsOutOfRangeTargets()
    {
        Assert.That(() => CrossEntropyLoss.Compute(R(3, 2, 3), new[] { 0, 3 }),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("is 3"));
        Assert.That(() => CrossEntropyLoss.Compute(R(3, 2, 3), new[] { 0 }), Throws.ArgumentException);
    }
}
