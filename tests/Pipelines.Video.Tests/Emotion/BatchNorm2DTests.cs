using Pipelines.Video.Emotion;
using Rnn.Core;
using Rnn.Core.Autograd;

namespace Pipelines.Video.Tests.Emotion;

[TestFixture]
public sealed class BatchNorm2DTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void Gradients_match_finite_differences(bool relu)
    {
        var rng = new Rng(3);
        var norm = new BatchNorm2D(3, relu: relu);
        rng.Uniform(Backends.Default, 0.5f, 1.5f, 3).Span.CopyTo(norm.Weight.Value.Span);
        rng.Uniform(Backends.Default, -0.5f, 0.5f, 3).Span.CopyTo(norm.Bias.Value.Span);
        var x = rng.Normal(Backends.Default, 1f, 2, 3, 3, 4);   // [batch, channels, height, width]

        var result = GradCheck.Check(t => norm.Forward(t[0]), new[] { x }, step: 1e-2f);

        // float32 central differences through a variance: 2e-2 absolute is the usual bar here
        // (the ReLU kink adds error only where an output sits within a step of 0).
        Assert.That(result.MaxAbsError, Is.LessThan(relu ? 5e-2f : 2e-2f), result.ToString());
    }

    [Test]
    public void Training_normalises_each_channel_and_moves_the_running_statistics()
    {
        var norm = new BatchNorm2D(2, momentum: 0.5f);
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 10, 10, 10, 14 }, 1, 2, 2, 2);

        var y = norm.Forward(x).ToArray();

        var first = y.AsSpan(0, 4).ToArray();
        Assert.That(first.Average(), Is.EqualTo(0).Within(1e-5));
        Assert.That(first.Select(v => v * v).Average(), Is.EqualTo(1).Within(1e-3));
        // running mean = 0.5 * 0 + 0.5 * batch mean; running var uses the unbiased variance.
        Assert.That(norm.RunningMean.Value.ToArray(), Is.EqualTo(new[] { 1.25f, 5.5f }).Within(1e-5));
        Assert.That(norm.RunningVar.Value.Span[0], Is.EqualTo(0.5f + 0.5f * (5f / 3)).Within(1e-4));
    }

    [Test]
    public void Eval_uses_the_running_statistics()
    {
        var norm = new BatchNorm2D(1);
        norm.RunningMean.Load(new[] { 2f });
        norm.RunningVar.Load(new[] { 4f });
        norm.Eval();

        var y = norm.Forward(Tensor.FromArray(new float[] { 2, 4, 6, 0 }, 1, 1, 2, 2)).ToArray();

        Assert.That(y, Is.EqualTo(new[] { 0f, 1f, 2f, -1f }).Within(1e-4));
        Assert.That(norm.RunningMean.Trainable, Is.False);
    }
}
