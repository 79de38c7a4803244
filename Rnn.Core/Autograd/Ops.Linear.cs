using Rnn.Core.Autograd;

namespace Rnn.Core;

public static partial class Ops
{
    /// <summary>
    /// Matrix product. a is [..., m, k] (leading dimensions are folded into m) and b is [k, n],
    /// giving [..., m, n]; or both are rank 3, [batch, m, k] x [batch, k, n] -> [batch, m, n].
    /// transB multiplies by b's transpose (b given as [n, k]).
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transB = false)
    {
        CheckSameBackend(a, b);
        if (a.Rank == 3 && b.Rank == 3)
        {
            return BatchedMatMul(a, b, transB);
        }

        if (b.Rank != 2 || a.Rank < 1)
        {
            throw new ArgumentException($"MatMul needs a [..., m, k] and b [k, n]; got {a.Describe()} and {b.Describe()}");
        }

        int k = a.Dim(-1);
        int n = transB ? b.Dim(0) : b.Dim(1);
        int bk = transB ? b.Dim(1) : b.Dim(0);
        if (bk != k)
        {
            throw new ArgumentException($"MatMul inner sizes differ: {a.Describe()} x {b.Describe()}{(transB ? "^T" : "")}");
        }

        int m = Shape.Size(a.Shape[..^1]);
        int[] outShape = a.ShapeArray;
        outShape[^1] = n;
        var be = a.Backend;
        if (m == 0 || n == 0 || k == 0)
        {
            // An empty product is zeros, and passes no gradient; a GEMM would refuse its leading dimensions of 0.
            return be.Zeros(outShape);
        }

        var c = be.Allocate(outShape);
        be.Gemm(false, transB, m, n, k, 1f, a, 0, k, b, 0, b.Dim(1), 0f, c, 0, n);
        if (Tape.IsTracking(a, b))
        {
            Tape.Record(c, () =>
            {
                if (c.Grad is not { } dc)
                {
                    return;
                }

                if (a.RequiresGrad)
                {
                    // dA [m, k] = dC [m, n] * op(B)^T
                    be.Gemm(false, !transB, m, k, n, 1f, dc, 0, n, b, 0, b.Dim(1), 1f, a.EnsureGrad(), 0, k);
                }

                if (b.RequiresGrad)
                {
                    if (transB)
                    {
                        // dB [n, k] = dC^T [n, m] * A [m, k]
                        be.Gemm(true, false, n, k, m, 1f, dc, 0, n, a, 0, k, 1f, b.EnsureGrad(), 0, k);
                    }
                    else
                    {
                        // dB [k, n] = A^T [k, m] * dC [m, n]
                        be.Gemm(true, false, k, n, m, 1f, a, 0, k, dc, 0, n, 1f, b.EnsureGrad(), 0, n);
                    }
                }
            });
        }

        return c;
    }

    private static Tensor BatchedMatMul(Tensor a, Tensor b, bool transB)
    {
        int batch = a.Dim(0);
        int m = a.Dim(1);
        int k = a.Dim(2);
        int n = transB ? b.Dim(1) : b.Dim(2);
        int bk = transB ? b.Dim(2) : b.Dim(1);
        if (b.Dim(0) != batch || bk != k)
        {
            throw new ArgumentException($"batched MatMul shapes differ: {a.Describe()} x {b.Describe()}");
        }

        int ldb = b.Dim(2);
        var be = a.Backend;
        if (batch == 0 || m == 0 || n == 0 || k == 0)
        {
            return be.Zeros(new[] { batch, m, n });   // empty: zeros and no gradient, as in MatMul
        }

        var c = be.Allocate(new[] { batch, m, n });
        be.GemmStridedBatched(false, transB, m, n, k, 1f, a, 0, k, m * k, b, 0, ldb, b.Dim(1) * ldb,
            0f, c, 0, n, m * n, batch);
        if (Tape.IsTracking(a, b))
        {
            Tape.Record(c, () =>
            {
                if (c.Grad is not { } dc)
                {
                    return;
                }

                if (a.RequiresGrad)
                {
                    be.GemmStridedBatched(false, !transB, m, k, n, 1f, dc, 0, n, m * n, b, 0, ldb, b.Dim(1) * ldb,
                        1f, a.EnsureGrad(), 0, k, m * k, batch);
                }

                if (b.RequiresGrad)
                {
                    if (transB)
                    {
                        be.GemmStridedBatched(true, false, n, k, m, 1f, dc, 0, n, m * n, a, 0, k, m * k,
                            1f, b.EnsureGrad(), 0, k, n * k, batch);
                    }
                    else
                    {
                        be.GemmStridedBatched(true, false, k, n, m, 1f, a, 0, k, m * k, dc, 0, n, m * n,
                            1f, b.EnsureGrad(), 0, n, k * n, batch);
                    }
                }
            });
        }

        return c;
    }

    /// <summary>
    /// x [..., in] times weight [out, in] transposed, plus bias [out]: the affine map of a Dense
    /// layer, done as one GEMM with the bias broadcast over rows.
    /// </summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        var y = MatMul(x, weight, transB: true);
        return bias is null ? y : Add(y, bias);
    }
}
