namespace Rnn.Core.Tests.Conformance;

// Memory cases: allocation, host copies, copies between tensors, strided blocks, permutation
// and fill, at offsets. These are exact (no arithmetic) except CopyBlocks' accumulate.
public abstract partial class BackendConformanceTests
{
    [Test]
    public void NameIsNotEmpty() => Assert.That(Backend.Name, Is.Not.Empty);

    [Test]
    public void AllocateZerosAndFromArrayHaveTheShape()
    {
        var a = Backend.Allocate(new[] { 3, 5 });
        Assert.That(a.ShapeArray, Is.EqualTo(new[] { 3, 5 }));
        Assert.That(ReferenceEquals(a.Backend, Backend), Is.True);
        var z = Backend.Zeros(new[] { 2, 7, 1 });
        Assert.That(z.ToArray(), Has.Length.EqualTo(14));
        Assert.That(z.ToArray(), Is.All.EqualTo(0f));
        var data = RandomArray(40, 6);
        Assert.That(Backend.FromArray(data, new[] { 2, 3 }).ToArray(), Is.EqualTo(data));
        Assert.Throws<ArgumentException>(() => Backend.FromArray(data, new[] { 4, 2 }));
        Assert.That(Backend.Zeros(new[] { 0, 3 }).Length, Is.EqualTo(0));
    }

    [Test]
    public void HostCopiesRoundTripAtOffsets()
    {
        var t = RandomAtOffset(41, 3, 11);
        var before = StorageValues(t);
        var data = RandomArray(42, 11);
        Backend.CopyFromHost(data, t);
        var back = new float[11];
        Backend.CopyToHost(t, back);
        Assert.That(back, Is.EqualTo(data));
        AssertGuardsIntact(t, before);
        Assert.Throws<ArgumentException>(() => Backend.CopyFromHost(new float[10], t));
    }

    [Test]
    public void CopyAndFillTouchOnlyTheTensor()
    {
        var src = RandomAtOffset(43, 2, 3, 7);
        var dst = RandomAtOffset(44, 5, 21);          // same length, other shape
        var before = StorageValues(dst);
        Backend.Copy(src, dst);
        Assert.That(dst.ToArray(), Is.EqualTo(src.ToArray()));
        AssertGuardsIntact(dst, before);
        Backend.Fill(dst, 2.5f);
        Assert.That(dst.ToArray(), Is.All.EqualTo(2.5f));
        AssertGuardsIntact(dst, before);
    }

    [Test]
    public void CopyBlocksCopiesOrAddsStridedBlocks([Values] bool accumulate)
    {
        var src = RandomAtOffset(45, 1, 40);
        var dst = RandomAtOffset(46, 3, 50);
        float[] s = src.ToArray(), expected = dst.ToArray();
        const int srcOffset = 2, srcStride = 9, dstOffset = 4, dstStride = 11, blockLength = 5, blockCount = 4;
        for (int b = 0; b < blockCount; b++)
        {
            for (int i = 0; i < blockLength; i++)
            {
                float v = s[srcOffset + b * srcStride + i];
                ref float d = ref expected[dstOffset + b * dstStride + i];
                d = accumulate ? d + v : v;
            }
        }

        var before = StorageValues(dst);
        Backend.CopyBlocks(src, srcOffset, srcStride, dst, dstOffset, dstStride, blockLength, blockCount, accumulate);
        AssertClose(expected, dst, 0f, 0f, "blocks");
        AssertGuardsIntact(dst, before);
    }

    [TestCase(new[] { 3, 5 }, new[] { 1, 0 })]
    [TestCase(new[] { 2, 3, 5 }, new[] { 2, 0, 1 })]
    [TestCase(new[] { 2, 3, 4, 5 }, new[] { 0, 2, 1, 3 })]
    [TestCase(new[] { 7 }, new[] { 0 })]
    public void PermuteMatchesIndexArithmetic(int[] shape, int[] perm)
    {
        var x = RandomAtOffset(47, 3, shape);
        var y = RandomAtOffset(48, 2, perm.Select(p => shape[p]).ToArray());
        var before = StorageValues(y);
        Backend.Permute(x, perm, y);
        Assert.That(y.ToArray(), Is.EqualTo(Reference.Permute(x.ToArray(), shape, perm)));
        AssertGuardsIntact(y, before);
    }
}
