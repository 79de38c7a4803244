namespace Rnn.Core.Tests.Conformance;

// Reductions, softmax and row indexing against double-precision definitions.
public abstract partial class BackendConformanceTests
{
    // Float sums of up to 45 values in [-1, 1] against a double reference: 1e-5 absolute.
    private const float SumTol = 1e-5f;

    [TestCase(new[] { 5, 7 }, new[] { 7 })]
    [TestCase(new[] { 5, 7 }, new[] { 5, 1 })]
    [TestCase(new[] { 2, 3, 5 }, new[] { 3, 1 })]
    [TestCase(new[] { 2, 3, 5 }, new[] { 2, 1, 5 })]
    [TestCase(new[] { 4, 9 }, new[] { 1 })]
    [TestCase(new[] { 3, 4 }, new[] { 3, 4 })]
    public void ReduceSumToSumsBroadcastAxes(int[] srcShape, int[] dstShape)
    {
        foreach (bool accumulate in new[] { false, true })
        {
            var src = RandomAtOffset(70, 2, srcShape);
            var dst = RandomAtOffset(71, 3, dstShape);
            var d0 = dst.ToArray();
            var before = StorageValues(dst);
            Backend.ReduceSumTo(src, dst, accumulate);
            var sums = Reference.ReduceSumTo(src.ToArray(), srcShape, dstShape);
            var expected = accumulate ? sums.Zip(d0, (s, d) => s + d).ToArray() : sums;
            AssertClose(expected, dst, SumTol, 0f, $"accumulate {accumulate}");
            AssertGuardsIntact(dst, before);
        }
    }

    [Test]
    public void SumAndDot()
    {
        var a = RandomAtOffset(72, 3, 45);
        var b = RandomAtOffset(73, 1, 45);
        float[] av = a.ToArray(), bv = b.ToArray();
        Assert.That(Backend.Sum(a), Is.EqualTo(av.Sum(v => (double)v)).Within(SumTol));
        Assert.That(Backend.Dot(a, b), Is.EqualTo(av.Select((v, i) => (double)v * bv[i]).Sum()).Within(SumTol));
    }

    [Test]
    public void RowMaxOfEmptyRowsOrWrongOutputIsRefused()
    {
        var empty = Backend.Zeros(new[] { 3, 0 });
        var ex = Assert.Throws<ArgumentException>(() => Backend.RowMax(empty, Backend.Zeros(new[] { 3 })));
        Assert.That(ex!.Message, Does.Contain("no maximum"));
        var wide = Backend.Zeros(new[] { 3, 4 });
        Assert.Throws<ArgumentException>(() => Backend.RowMax(wide, Backend.Zeros(new[] { 2 })));
        Assert.DoesNotThrow(() => Backend.RowMax(Backend.Zeros(new[] { 0, 4 }), Backend.Zeros(new[] { 0 })));
    }

    [Test]
    public void RowMaxSoftmaxAndLogSoftmax()
    {
        const int rows = 5, cols = 19;
        var x = RandomAtOffset(74, 2, rows, cols);
        var xv = x.ToArray().Select(v => 6f * v).ToArray();
        Backend.CopyFromHost(xv, x);
        var max = RandomAtOffset(75, 1, rows);
        var soft = RandomAtOffset(76, 3, rows, cols);
        var logSoft = RandomAtOffset(77, 2, rows, cols);

        Backend.RowMax(x, max);
        Backend.Softmax(x, soft);
        Backend.LogSoftmax(x, logSoft);

        var expectedMax = Enumerable.Range(0, rows).Select(r => xv.Skip(r * cols).Take(cols).Max()).ToArray();
        AssertClose(expectedMax, max, 0f, 0f, "row max");
        AssertClose(Reference.Softmax(xv, cols, log: false), soft, 1e-6f, MathTol, "softmax");
        AssertClose(Reference.Softmax(xv, cols, log: true), logSoft, 1e-5f, MathTol, "log-softmax");
    }

    [Test]
    public void SoftmaxBackwardsAddTheirJacobianProducts([Values] bool log)
    {
        const int rows = 4, cols = 21;
        var xv = RandomArray(78, rows * cols, -3f, 3f);
        var y = Make(Reference.Softmax(xv, cols, log), rows, cols);
        var dy = RandomAtOffset(79, 3, rows, cols);
        var dx = RandomAtOffset(80, 2, rows, cols);
        float[] yv = y.ToArray(), dyv = dy.ToArray(), expected = dx.ToArray();
        for (int r = 0; r < rows; r++)
        {
            var span = Enumerable.Range(r * cols, cols).ToArray();
            double dot = span.Sum(i => (double)dyv[i] * yv[i]);
            double sum = span.Sum(i => (double)dyv[i]);
            foreach (int i in span)
            {
                expected[i] += (float)(log ? dyv[i] - Math.Exp(yv[i]) * sum : yv[i] * (dyv[i] - dot));
            }
        }

        if (log)
        {
            Backend.LogSoftmaxBackward(y, dy, dx);
        }
        else
        {
            Backend.SoftmaxBackward(y, dy, dx);
        }

        AssertClose(expected, dx, SumTol, MathTol, log ? "log-softmax backward" : "softmax backward");
    }

    [Test]
    public void GatherAndScatterAddRows()
    {
        const int rows = 6, cols = 13;
        var table = RandomAtOffset(81, 2, rows, cols);
        int[] indices = { 4, 0, 4, 5, -1, 2 };
        var tv = table.ToArray();

        var y = RandomAtOffset(82, 3, 5, cols);
        Backend.GatherRows(table, indices.Where(i => i >= 0).ToArray(), y);
        var expected = indices.Where(i => i >= 0).SelectMany(i => tv.Skip(i * cols).Take(cols)).ToArray();
        AssertClose(expected, y, 0f, 0f, "gather");
        Assert.Throws<ArgumentOutOfRangeException>(() => Backend.GatherRows(table, new[] { 6 }, y.Slice(0, 1, cols)));

        var dy = RandomAtOffset(83, 1, indices.Length, cols);
        var grad = RandomAtOffset(84, 4, rows, cols);
        float[] dyv = dy.ToArray(), g = grad.ToArray();
        for (int i = 0; i < indices.Length; i++)
        {
            for (int c = 0; indices[i] >= 0 && c < cols; c++)
            {
                g[indices[i] * cols + c] += dyv[i * cols + c];
            }
        }

        var before = StorageValues(grad);
        Backend.ScatterAddRows(dy, indices, grad);
        AssertClose(g, grad, 1e-6f, 1e-6f, "scatter-add (negative index skipped)");
        AssertGuardsIntact(grad, before);
    }
}
