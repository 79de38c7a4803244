namespace Rnn.Core.Tests.Conformance;

// Convolution and pooling cases of the conformance suite. Sizes are odd and small (the
// emulated AVX-512 fixture runs them too); each case covers padding, stride and dilation.
public abstract partial class BackendConformanceTests
{
    // Sums of up to in*kh*kw = 3*3*3 products of values in [-1, 1]: float rounding stays far
    // below 1e-4 relative to the double reference.
    private const float ConvTol = 1e-4f;

    private static readonly Conv2DSpec[] ConvSpecs =
    {
        Conv2DSpec.Square(3, 1, 1),
        new(3, 2, StrideH: 2, StrideW: 1, PadH: 1, PadW: 0),
        new(3, 3, StrideH: 1, StrideW: 2, PadH: 2, PadW: 2, DilationH: 2, DilationW: 1),
        Conv2DSpec.Square(1),
        new(1, 1, StrideH: 2, StrideW: 2),
        new(2, 3, StrideH: 3, StrideW: 2, PadH: 3, PadW: 1),   // even kernel, rows wholly in padding
        new(1, 15, PadW: 7),   // wider than the map: whole kernel columns in the padding for every output
    };

    [TestCaseSource(nameof(ConvCases))]
    public void Conv2DForwardMatchesDirectLoop(int specIndex, bool withBias)
    {
        var s = ConvSpecs[specIndex];
        int[] xs = { 3, 3, 7, 6 };
        int[] ws = { 5, 3, s.KernelH, s.KernelW };
        var x = RandomAtOffset(1, 3, xs);
        var w = RandomAtOffset(2, 1, ws);
        var b = withBias ? RandomAtOffset(3, 2, 5) : null;
        int[] ys = { 3, 5, s.OutHeight(7), s.OutWidth(6) };
        var y = RandomAtOffset(4, 7, ys);
        var before = StorageValues(y);

        Backend.Conv2DForward(x, w, b, s, y);

        var expected = Reference.Conv2D(x.ToArray(), xs, w.ToArray(), ws, b?.ToArray(), s);
        AssertClose(expected, y, ConvTol, ConvTol, $"conv {s}");
        AssertGuardsIntact(y, before);
    }

    [TestCaseSource(nameof(ConvCases))]
    public void Conv2DBackwardMatchesDirectLoop(int specIndex, bool withBias)
    {
        var s = ConvSpecs[specIndex];
        int[] xs = { 3, 3, 7, 6 };
        int[] ws = { 5, 3, s.KernelH, s.KernelW };
        int[] ys = { 3, 5, s.OutHeight(7), s.OutWidth(6) };
        var x = RandomAtOffset(5, 2, xs);
        var w = RandomAtOffset(6, 3, ws);
        var dy = RandomAtOffset(7, 1, ys);

        // Start the gradients from random values: the contract is "+=".
        var dx = RandomAtOffset(8, 4, xs);
        var dw = RandomAtOffset(9, 5, ws);
        var db = withBias ? RandomAtOffset(10, 6, 5) : null;
        float[] dx0 = dx.ToArray(), dw0 = dw.ToArray(), db0 = db?.ToArray() ?? Array.Empty<float>();
        var dxBefore = StorageValues(dx);
        var dwBefore = StorageValues(dw);

        Backend.Conv2DBackwardData(dy, w, s, dx);
        Backend.Conv2DBackwardFilter(x, dy, s, dw, db);

        var r = Reference.Conv2DBackward(x.ToArray(), xs, w.ToArray(), ws, dy.ToArray(), s);
        AssertClose(r.Dx.Zip(dx0, (g, g0) => g + g0).ToArray(), dx, ConvTol, ConvTol, "dx");
        AssertClose(r.Dw.Zip(dw0, (g, g0) => g + g0).ToArray(), dw, 5 * ConvTol, ConvTol, "dw");
        if (db is not null)
        {
            AssertClose(r.Db.Zip(db0, (g, g0) => g + g0).ToArray(), db, 5 * ConvTol, ConvTol, "db");
        }

        AssertGuardsIntact(dx, dxBefore);
        AssertGuardsIntact(dw, dwBefore);
    }

    private static IEnumerable<TestCaseData> ConvCases() =>
        Enumerable.Range(0, ConvSpecs.Length).SelectMany(i => new[]
        {
            new TestCaseData(i, true).SetArgDisplayNames($"spec{i}", "bias"),
            new TestCaseData(i, false).SetArgDisplayNames($"spec{i}", "nobias"),
        });

    private static readonly Conv2DSpec[] PoolSpecs =
    {
        Conv2DSpec.Square(2, 2),
        Conv2DSpec.Square(3, 2, 1),
        new(3, 2, StrideH: 1, StrideW: 2, PadH: 1, PadW: 1, DilationH: 2, DilationW: 1),
        new(7, 6),
    };

    [Test]
    public void PoolingMatchesDefinition([Range(0, 3)] int specIndex, [Values] bool max)
    {
        var s = PoolSpecs[specIndex];
        int[] xs = { 2, 3, 7, 6 };
        int[] ys = { 2, 3, s.OutHeight(7), s.OutWidth(6) };
        var x = RandomAtOffset(11, 3, xs);
        var y = RandomAtOffset(12, 2, ys);
        var dy = RandomAtOffset(13, 1, ys);
        var dx = RandomAtOffset(14, 4, xs);
        float[] dx0 = dx.ToArray();
        var before = StorageValues(y);

        if (max)
        {
            Backend.MaxPool2D(x, s, y);
            Backend.MaxPool2DBackward(x, dy, s, dx);
        }
        else
        {
            Backend.AvgPool2D(x, s, y);
            Backend.AvgPool2DBackward(dy, s, dx);
        }

        // Max is exact; a mean of at most 42 values is within a few float ulps.
        AssertClose(Reference.Pool(x.ToArray(), xs, s, max), y, 1e-6f, 1e-5f, "y");
        var grad = Reference.PoolBackward(x.ToArray(), xs, s, max, dy.ToArray());
        AssertClose(grad.Zip(dx0, (g, g0) => g + g0).ToArray(), dx, 1e-6f, 1e-5f, "dx");
        AssertGuardsIntact(y, before);
    }
}
