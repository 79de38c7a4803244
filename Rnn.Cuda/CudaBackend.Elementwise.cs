using Rnn.Core;
using Rnn.Cuda.Kernels;

namespace Rnn.Cuda;

// Element-wise ops and broadcasting: argument checks here, one kernel launch per call.
public sealed partial class CudaBackend
{
    public void Unary(UnaryOp op, Tensor x, Tensor y)
    {
        CheckLength(x.Length, y.Length, nameof(Unary));
        if (x.Length > 0)
        {
            kernels.Unary(Stream, x.Length, V(x), V(y), (int)op);
        }
    }

    public void UnaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor dy, Tensor dx)
    {
        CheckLength(x.Length, dx.Length, nameof(UnaryBackward));
        CheckLength(y.Length, dx.Length, nameof(UnaryBackward));
        CheckLength(dy.Length, dx.Length, nameof(UnaryBackward));
        if (dx.Length > 0)
        {
            kernels.UnaryBackward(Stream, dx.Length, V(x), V(y), V(dy), V(dx), (int)op);
        }
    }

    public void LeakyRelu(Tensor x, float slope, Tensor y)
    {
        CheckLength(x.Length, y.Length, nameof(LeakyRelu));
        if (x.Length > 0)
        {
            kernels.LeakyRelu(Stream, x.Length, V(x), V(y), slope);
        }
    }

    public void LeakyReluBackward(Tensor x, float slope, Tensor dy, Tensor dx)
    {
        CheckLength(x.Length, dx.Length, nameof(LeakyReluBackward));
        CheckLength(dy.Length, dx.Length, nameof(LeakyReluBackward));
        if (dx.Length > 0)
        {
            kernels.LeakyReluBackward(Stream, dx.Length, V(x), V(dy), V(dx), slope);
        }
    }

    public void Binary(BinaryOp op, Tensor a, Tensor b, Tensor c)
    {
        if (c.Length == 0)
        {
            return;
        }

        if (a.Length == c.Length && b.Length == c.Length)
        {
            kernels.BinarySame(Stream, c.Length, V(a), V(b), V(c), (int)op);
            return;
        }

        int[] expected = Shape.Broadcast(Shape.Broadcast(a.Shape, b.Shape), c.Shape);
        if (!Shape.SameAs(expected, c.Shape))
        {
            throw new ArgumentException(
                $"shapes {Shape.Format(a.Shape)} and {Shape.Format(b.Shape)} " +
                $"do not broadcast to {Shape.Format(c.Shape)}");
        }

        var plan = new Broadcast
        {
            Rank = c.Rank,
            OutShape = Dims.From(c.Shape),
            AStrides = Broadcast.StridesFor(a.Shape, c.Shape),
            BStrides = Broadcast.StridesFor(b.Shape, c.Shape),
        };
        kernels.BinaryBroadcast(Stream, c.Length, V(a), V(b), V(c), (int)op, plan);
    }

    public void Affine(Tensor x, float alpha, float beta, Tensor y)
    {
        CheckLength(x.Length, y.Length, nameof(Affine));
        if (x.Length > 0)
        {
            kernels.Affine(Stream, x.Length, V(x), V(y), alpha, beta);
        }
    }

    public void Axpy(float alpha, Tensor x, Tensor y)
    {
        CheckLength(x.Length, y.Length, nameof(Axpy));
        if (x.Length > 0)
        {
            kernels.Axpy(Stream, x.Length, V(x), V(y), alpha);
        }
    }

    public void DropoutMask(Tensor x, Tensor mask, float threshold, float scale, Tensor y)
    {
        CheckLength(x.Length, y.Length, nameof(DropoutMask));
        CheckLength(mask.Length, y.Length, nameof(DropoutMask));
        if (x.Length > 0)
        {
            kernels.Dropout(Stream, x.Length, V(x), V(mask), V(y), threshold, scale);
        }
    }
}
