namespace Rnn.Core.Tests.Tensors;

public sealed class RngTests
{
    [Test]
    public void IntegerBoundsAreBoundsNotAShape()
    {
        // Found by a new-user trial: Uniform(be, 0, 1, 64, 12, 1) used to pick a shape-only
        // overload and return a tensor of shape [0, 1, 64, 12, 1] with no elements.
        var t = new Rng(1).Uniform(Backends.Default, 0, 1, 64, 12, 1);
        Assert.That(t.ShapeArray, Is.EqualTo(new[] { 64, 12, 1 }));
        Assert.That(t.ToArray(), Is.All.InRange(0f, 1f));
    }

    [Test]
    public void EqualSeedsGiveEqualSequencesAndForksDiffer()
    {
        var a = new Rng(9);
        var b = new Rng(9);
        var first = Enumerable.Range(0, 8).Select(_ => a.NextUInt64()).ToArray();
        Assert.That(Enumerable.Range(0, 8).Select(_ => b.NextUInt64()), Is.EqualTo(first));
        Assert.That(a.Fork().NextUInt64(), Is.Not.EqualTo(a.NextUInt64()));
    }

    [Test]
    public void UnitUniformAndNormalHaveTheRightMoments()
    {
        var u = new Rng(3).UniformUnit(Backends.Default, 20000).ToArray();
        Assert.That(u.Average(), Is.EqualTo(0.5).Within(0.01));
        var n = new Rng(4).Normal(Backends.Default, 2f, 20000).ToArray();
        double mean = n.Average();
        double std = Math.Sqrt(n.Select(v => (v - mean) * (v - mean)).Average());
        Assert.That(mean, Is.EqualTo(0).Within(0.05));
        Assert.That(std, Is.EqualTo(2).Within(0.05));
    }
}
