using Rnn.Core.Autograd;

namespace Rnn.Core;

/// <summary>
/// Differentiable tensor ops. Each runs on its inputs' backend and, while a <see cref="Tape"/>
/// is recording and an input requires grad, records its backward function. A custom recurrent
/// cell written with these ops trains with no extra code.
/// </summary>
public static partial class Ops
{
    // ---- binary, broadcasting ----

    /// <summary>a + b with numpy broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b) => BinaryOp(Rnn.Core.BinaryOp.Add, a, b);

    /// <summary>a - b with numpy broadcasting.</summary>
    public static Tensor Sub(Tensor a, Tensor b) => BinaryOp(Rnn.Core.BinaryOp.Sub, a, b);

    /// <summary>a * b element-wise with numpy broadcasting.</summary>
    public static Tensor Mul(Tensor a, Tensor b) => BinaryOp(Rnn.Core.BinaryOp.Mul, a, b);

    /// <summary>a / b element-wise with numpy broadcasting.</summary>
    public static Tensor Div(Tensor a, Tensor b) => BinaryOp(Rnn.Core.BinaryOp.Div, a, b);

    private static Tensor BinaryOp(BinaryOp op, Tensor a, Tensor b)
    {
        var be = a.Backend;
        CheckSameBackend(a, b);
        var c = be.Allocate(Shape.Broadcast(a.Shape, b.Shape));
        be.Binary(op, a, b, c);
        if (Tape.IsTracking(a, b))
        {
            Tape.Record(c, () => BinaryBackward(op, a, b, c));
        }

        return c;
    }

    private static void BinaryBackward(BinaryOp op, Tensor a, Tensor b, Tensor c)
    {
        if (c.Grad is not { } dc)
        {
            return;
        }

        var be = c.Backend;
        if (a.RequiresGrad)
        {
            Tensor da = op switch
            {
                Rnn.Core.BinaryOp.Add or Rnn.Core.BinaryOp.Sub => dc,
                Rnn.Core.BinaryOp.Mul => Product(be, dc, b, c.Shape),
                Rnn.Core.BinaryOp.Div => Quotient(be, dc, b, c.Shape),
                _ => throw new NotSupportedException($"no gradient for {op}"),
            };
            be.ReduceSumTo(da, a.EnsureGrad(), accumulate: true);
        }

        if (b.RequiresGrad)
        {
            Tensor db;
            switch (op)
            {
                case Rnn.Core.BinaryOp.Add:
                    db = dc;
                    break;
                case Rnn.Core.BinaryOp.Sub:
                    db = be.Allocate(c.Shape);
                    be.Affine(dc, -1f, 0f, db);
                    break;
                case Rnn.Core.BinaryOp.Mul:
                    db = Product(be, dc, a, c.Shape);
                    break;
                case Rnn.Core.BinaryOp.Div:
                    // d(a/b)/db = -(a/b)/b = -c/b
                    db = Quotient(be, Product(be, dc, c, c.Shape), b, c.Shape);
                    be.Affine(db, -1f, 0f, db);
                    break;
                default:
                    throw new NotSupportedException($"no gradient for {op}");
            }

            be.ReduceSumTo(db, b.EnsureGrad(), accumulate: true);
        }
    }

    private static Tensor Product(IBackend be, Tensor x, Tensor y, ReadOnlySpan<int> shape)
    {
        var r = be.Allocate(shape);
        be.Binary(Rnn.Core.BinaryOp.Mul, x, y, r);
        return r;
    }

    private static Tensor Quotient(IBackend be, Tensor x, Tensor y, ReadOnlySpan<int> shape)
    {
        var r = be.Allocate(shape);
        be.Binary(Rnn.Core.BinaryOp.Div, x, y, r);
        return r;
    }

    // ---- scalar affine ----

    /// <summary>alpha * x + beta.</summary>
    public static Tensor Affine(Tensor x, float alpha, float beta)
    {
        var be = x.Backend;
        var y = be.Allocate(x.Shape);
        be.Affine(x, alpha, beta, y);
        if (Tape.IsTracking(x))
        {
            Tape.Record(y, () =>
            {
                if (y.Grad is { } dy)
                {
                    be.Axpy(alpha, dy, x.EnsureGrad());
                }
            });
        }

        return y;
    }

    /// <summary>x * s.</summary>
    public static Tensor Scale(Tensor x, float s) => Affine(x, s, 0f);

    /// <summary>x + s.</summary>
    public static Tensor AddScalar(Tensor x, float s) => Affine(x, 1f, s);

    /// <summary>1 - x, common in gate arithmetic (GRU's update gate).</summary>
    public static Tensor OneMinus(Tensor x) => Affine(x, -1f, 1f);

    // ---- unary ----

    /// <summary>f(x) element-wise for any <see cref="UnaryOp"/>.</summary>
    public static Tensor Apply(UnaryOp op, Tensor x)
    {
        var be = x.Backend;
        var y = be.Allocate(x.Shape);
        be.Unary(op, x, y);
        if (Tape.IsTracking(x))
        {
            Tape.Record(y, () =>
            {
                if (y.Grad is { } dy)
                {
                    be.UnaryBackward(op, x, y, dy, x.EnsureGrad());
                }
            });
        }

        return y;
    }

    public static Tensor Neg(Tensor x) => Affine(x, -1f, 0f);

    public static Tensor Exp(Tensor x) => Apply(UnaryOp.Exp, x);

    public static Tensor Log(Tensor x) => Apply(UnaryOp.Log, x);

    public static Tensor Sqrt(Tensor x) => Apply(UnaryOp.Sqrt, x);

    public static Tensor Square(Tensor x) => Apply(UnaryOp.Square, x);

    public static Tensor Abs(Tensor x) => Apply(UnaryOp.Abs, x);

    public static Tensor Sigmoid(Tensor x) => Apply(UnaryOp.Sigmoid, x);

    public static Tensor Tanh(Tensor x) => Apply(UnaryOp.Tanh, x);

    public static Tensor Relu(Tensor x) => Apply(UnaryOp.Relu, x);

    public static Tensor Softplus(Tensor x) => Apply(UnaryOp.Softplus, x);

    public static Tensor Gelu(Tensor x) => Apply(UnaryOp.Gelu, x);

    public static Tensor Silu(Tensor x) => Apply(UnaryOp.Silu, x);

    public static Tensor HardSigmoid(Tensor x) => Apply(UnaryOp.HardSigmoid, x);

    /// <summary>max(x, slope * x).</summary>
    public static Tensor LeakyRelu(Tensor x, float slope = 0.01f)
    {
        var be = x.Backend;
        var y = be.Allocate(x.Shape);
        be.LeakyRelu(x, slope, y);
        if (Tape.IsTracking(x))
        {
            Tape.Record(y, () =>
            {
                if (y.Grad is { } dy)
                {
                    be.LeakyReluBackward(x, slope, dy, x.EnsureGrad());
                }
            });
        }

        return y;
    }

    /// <summary>The same values with no gradient history (gradient stops here).</summary>
    public static Tensor Detach(Tensor x) => new(x.Storage, x.Shape, x.Offset);

    internal static void CheckSameBackend(Tensor a, Tensor b)
    {
        if (!ReferenceEquals(a.Backend, b.Backend))
        {
            throw new ArgumentException(BackendChecks.BackendMismatch("", a, "", b));
        }
    }
}
