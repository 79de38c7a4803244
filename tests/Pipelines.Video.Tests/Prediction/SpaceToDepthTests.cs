using Pipelines.Video.Prediction;
using Rnn.Core;

namespace Pipelines.Video.Tests.Prediction;

[TestFixture]
public sealed class SpaceToDepthTests
{
    [Test]
    public void Fold_PutsEachPatchPixelInItsOwnChannel()
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (float)i).ToArray(), 1, 1, 4, 4);

        var folded = SpaceToDepth.Fold(x, 2);   // [1, 4, 2, 2]

        Assert.That(folded.ShapeArray, Is.EqualTo(new[] { 1, 4, 2, 2 }));
        // Channel (dy=0, dx=1) holds the top-right pixel of each 2x2 patch: 1, 3, 9, 11.
        Assert.That(folded.ToArray()[4..8], Is.EqualTo(new[] { 1f, 3f, 9f, 11f }));
    }

    [Test]
    public void Unfold_InvertsFold()
    {
        var x = new Rng(5).UniformUnit(Backends.Default, 2, 3, 8, 8);

        var back = SpaceToDepth.Unfold(SpaceToDepth.Fold(x, 4), 4);

        Assert.That(back.ShapeArray, Is.EqualTo(x.ShapeArray));
        Assert.That(back.ToArray(), Is.EqualTo(x.ToArray()));
    }

    [Test]
    public void SizeThatDoesNotSplit_IsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => SpaceToDepth.Fold(Tensor.Zeros(1, 1, 6, 6), 4));
        Assert.That(e!.Message, Does.Contain("6x6").And.Contain("4x4"));
    }
}
