namespace Rnn.Core.Tests.Conformance;

// Element-wise cases against Rnn.Core.Scalar, the scalar definitions. Length 37 covers a full
// 16- and 8-wide vector body and a tail on every path.
public abstract partial class BackendConformanceTests
{
    private const int Len = 37;

    // Vector exp/tanh/log (TensorPrimitives, device math libraries) differ from MathF by a few
    // ulps; 1e-5 relative plus 1e-6 absolute bounds that with margin.
    private const float MathTol = 1e-5f;

    // Inputs inside each op's domain: positive for log, sqrt and reciprocal.
    private float[] DomainValues(UnaryOp op, ulong seed) => op is UnaryOp.Log or UnaryOp.Sqrt or UnaryOp.Reciprocal
        ? RandomArray(seed, Len, 0.1f, 3f)
        : RandomArray(seed, Len, -4f, 4f);

    [Test]
    public void UnaryMatchesScalar([Values] UnaryOp op)
    {
        var xv = DomainValues(op, 50);
        var x = RandomAtOffset(51, 2, Len);
        Backend.CopyFromHost(xv, x);
        var y = RandomAtOffset(52, 3, Len);
        var before = StorageValues(y);

        Backend.Unary(op, x, y);

        AssertClose(xv.Select(v => Scalar.Apply(op, v)).ToArray(), y, 1e-6f, MathTol, op.ToString());
        AssertGuardsIntact(y, before);

        // In place (x and y the same tensor) is allowed.
        Backend.Unary(op, x, x);
        AssertClose(xv.Select(v => Scalar.Apply(op, v)).ToArray(), x, 1e-6f, MathTol, op + " in place");
    }

    [Test]
    public void UnaryBackwardAddsDerivative([Values] UnaryOp op)
    {
        var xv = DomainValues(op, 53);
        var yv = xv.Select(v => Scalar.Apply(op, v)).ToArray();
        var x = Make(xv, Len);
        var y = Make(yv, Len);
        var dy = RandomAtOffset(54, 1, Len);
        var dx = RandomAtOffset(55, 4, Len);
        float[] dyv = dy.ToArray(), dx0 = dx.ToArray();
        var before = StorageValues(dx);

        Backend.UnaryBackward(op, x, y, dy, dx);

        var expected = dx0.Select((g, i) => g + dyv[i] * Scalar.Derivative(op, xv[i], yv[i])).ToArray();
        AssertClose(expected, dx, 1e-6f, MathTol, op.ToString());
        AssertGuardsIntact(dx, before);
    }

    [Test]
    public void LeakyReluForwardAndBackward([Values(0f, 0.1f)] float slope)
    {
        var x = RandomAtOffset(56, 3, Len);
        var y = RandomAtOffset(57, 1, Len);
        var dy = Random(58, Len);
        var dx = RandomAtOffset(59, 2, Len);
        float[] xv = x.ToArray(), dyv = dy.ToArray(), dx0 = dx.ToArray();

        Backend.LeakyRelu(x, slope, y);
        Backend.LeakyReluBackward(x, slope, dy, dx);

        // One multiply each: exact.
        AssertClose(xv.Select(v => v > 0 ? v : slope * v).ToArray(), y, 0f, 0f, "y");
        AssertClose(dx0.Select((g, i) => g + (xv[i] > 0 ? dyv[i] : slope * dyv[i])).ToArray(), dx, 0f, 1e-7f, "dx");
    }

    private static readonly int[][][] BroadcastShapes =
    {
        new[] { new[] { 5, 7 }, new[] { 5, 7 } },          // same shape
        new[] { new[] { 5, 7 }, new[] { 7 } },             // row (bias) broadcast
        new[] { new[] { 5, 7 }, new[] { 5, 1 } },          // column broadcast
        new[] { new[] { 1, 7 }, new[] { 5, 1 } },          // both stretch
        new[] { new[] { 2, 3, 5 }, new[] { 3, 1 } },       // middle axis
        new[] { new[] { 4, 9 }, new[] { 1 } },             // scalar-like
        new[] { new[] { 3, 1, 5 }, new[] { 2, 1 } },       // rank grows
    };

    [Test]
    public void BinaryBroadcastsLikeNumpy([Values] BinaryOp op, [Range(0, 6)] int shapes, [Values] bool swap)
    {
        int[] aShape = BroadcastShapes[shapes][swap ? 1 : 0], bShape = BroadcastShapes[shapes][swap ? 0 : 1];
        int[] cShape = Shape.Broadcast(aShape, bShape);
        var a = RandomAtOffset(60, 2, aShape);
        var b = RandomAtOffset(61, 3, bShape);
        if (op == BinaryOp.Div)
        {
            Backend.CopyFromHost(RandomArray(62, b.Length, 0.5f, 2f), b);
        }

        var c = RandomAtOffset(63, 1, cShape);
        var before = StorageValues(c);

        Backend.Binary(op, a, b, c);

        // Vector division may round differently from scalar division by one ulp.
        var expected = Reference.Binary(op, a.ToArray(), aShape, b.ToArray(), bShape, cShape);
        AssertClose(expected, c, 0f, 2e-7f, $"{op} {Shape.Format(aShape)} {Shape.Format(bShape)}");
        AssertGuardsIntact(c, before);
    }

    [Test]
    public void AffineAxpyAndDropout()
    {
        var x = RandomAtOffset(64, 2, Len);
        var y = RandomAtOffset(65, 3, Len);
        float[] xv = x.ToArray(), y0 = y.ToArray();

        // Affine and axpy are one multiply and one add per element; a fused multiply-add
        // rounds once instead of twice, so allow an ulp or two.
        var affine = Backend.Allocate(new[] { Len });
        Backend.Affine(x, -1.5f, 0.25f, affine);
        AssertClose(xv.Select(v => -1.5f * v + 0.25f).ToArray(), affine, 1e-7f, 1e-6f, "affine");

        Backend.Axpy(0.75f, x, y);
        AssertClose(y0.Select((v, i) => v + 0.75f * xv[i]).ToArray(), y, 1e-7f, 1e-6f, "axpy");

        var mask = Make(RandomArray(66, Len, 0f, 1f), Len);
        var dropped = RandomAtOffset(67, 1, Len);
        var mv = mask.ToArray();
        Backend.DropoutMask(x, mask, 0.3f, 1f / 0.7f, dropped);
        AssertClose(xv.Select((v, i) => mv[i] >= 0.3f ? v * (1f / 0.7f) : 0f).ToArray(), dropped, 0f, 0f, "dropout");
    }
}
