using Pipelines.Video.Emotion;
using Rnn.Core;
using Rnn.Core.Autograd;
using Rnn.Core.Losses;

namespace Pipelines.Video.Tests.Emotion;

[TestFixture]
public sealed class EmotionLossTests
{
    [Test]
    public void Rare_classes_weigh_more_and_the_mean_weight_per_face_is_one()
    {
        int[] counts = { 4000, 400, 4000, 7000, 5000, 5000, 3000 };

        var w = EmotionLoss.ClassWeights(counts, 0.5);

        Assert.That(w[1], Is.GreaterThan(w[0]).And.GreaterThan(w[3]));
        Assert.That(w[1] / w[0], Is.EqualTo(Math.Sqrt(10)).Within(1e-4));
        Assert.That(counts.Select((n, c) => n * (double)w[c]).Sum() / counts.Sum(), Is.EqualTo(1).Within(1e-6));
        Assert.That(EmotionLoss.ClassWeights(counts, 0), Is.All.EqualTo(1f).Within(1e-6));
    }

    [Test]
    public void With_equal_weights_it_is_the_mean_cross_entropy_over_all_steps()
    {
        var logits = new Rng(2).Normal(Backends.Default, 1f, 2, 3, 7);   // [batch, time, classes]
        var ones = Enumerable.Repeat(1f, 7).ToArray();

        float ours = EmotionLoss.Compute(logits, new[] { 4, 1 }, ones).Item();
        float plain = CrossEntropyLoss.Compute(Ops.Reshape(logits, 6, 7), new[] { 4, 4, 4, 1, 1, 1 }).Item();

        Assert.That(ours, Is.EqualTo(plain).Within(1e-5));
    }

    [Test]
    public void Gradients_match_finite_differences()
    {
        var logits = new Rng(3).Normal(Backends.Default, 1f, 2, 2, 7);
        var weights = new[] { 1f, 3f, 1f, 0.5f, 1f, 1f, 2f };

        var r = GradCheck.Check(t => EmotionLoss.Compute(t[0], new[] { 1, 6 }, weights, 0.05f), new[] { logits });

        Assert.That(r.MaxAbsError, Is.LessThan(2e-3f), r.ToString());
    }
}
