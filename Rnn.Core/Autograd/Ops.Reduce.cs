using Rnn.Core.Autograd;

namespace Rnn.Core;

public static partial class Ops
{
    /// <summary>Sum of all elements as a scalar tensor.</summary>
    public static Tensor Sum(Tensor x)
    {
        var be = x.Backend;
        var y = be.FromArray(new[] { be.Sum(x) }, Array.Empty<int>());
        if (Tape.IsTracking(x))
        {
            Tape.Record(y, () =>
            {
                if (y.Grad is { } dy)
                {
                    // dL/dx = dL/dy broadcast to every element.
                    be.Binary(Rnn.Core.BinaryOp.Add, x.EnsureGrad(), dy, x.Grad!);
                }
            });
        }

        return y;
    }

    /// <summary>Mean of all elements as a scalar tensor.</summary>
    public static Tensor Mean(Tensor x) => Scale(Sum(x), 1f / Math.Max(x.Length, 1));

    /// <summary>Sum along one axis; keepDim keeps it with size 1.</summary>
    public static Tensor Sum(Tensor x, int axis, bool keepDim = false)
    {
        axis = Shape.Axis(axis, x.Rank);
        int[] kept = x.ShapeArray;
        kept[axis] = 1;
        var be = x.Backend;
        var y = be.Allocate(kept);
        be.ReduceSumTo(x, y, accumulate: false);
        if (Tape.IsTracking(x))
        {
            Tape.Record(y, () =>
            {
                if (y.Grad is { } dy)
                {
                    be.Binary(Rnn.Core.BinaryOp.Add, x.EnsureGrad(), dy, x.Grad!);
                }
            });
        }

        return keepDim ? y : Reshape(y, x.ShapeArray.Where((_, i) => i != axis).ToArray());
    }

    /// <summary>Mean along one axis.</summary>
    public static Tensor Mean(Tensor x, int axis, bool keepDim = false) =>
        Scale(Sum(x, axis, keepDim), 1f / Math.Max(x.Dim(axis), 1));

    /// <summary>Softmax over the last axis.</summary>
    public static Tensor Softmax(Tensor x)
    {
        var be = x.Backend;
        var y = be.Allocate(x.Shape);
        be.Softmax(x, y);
        if (Tape.IsTracking(x))
        {
            Tape.Record(y, () =>
            {
                if (y.Grad is { } dy)
                {
                    be.SoftmaxBackward(y, dy, x.EnsureGrad());
                }
            });
        }

        return y;
    }

    /// <summary>Log-softmax over the last axis (numerically stable).</summary>
    public static Tensor LogSoftmax(Tensor x)
    {
        var be = x.Backend;
        var y = be.Allocate(x.Shape);
        be.LogSoftmax(x, y);
        if (Tape.IsTracking(x))
        {
            Tape.Record(y, () =>
            {
                if (y.Grad is { } dy)
                {
                    be.LogSoftmaxBackward(y, dy, x.EnsureGrad());
                }
            });
        }

        return y;
    }

    /// <summary>
    /// Inverted dropout: zeroes each element with probability rate and scales the rest by
    /// 1/(1-rate), so inference needs no rescaling. Identity when rate is 0.
    /// </summary>
    public static Tensor Dropout(Tensor x, float rate, Rng rng)
    {
        if (!(rate >= 0f && rate < 1f))   // also refuses NaN
        {
            throw new ArgumentOutOfRangeException(nameof(rate), $"dropout rate must be in [0, 1); got {rate}");
        }

        if (rate == 0f)
        {
            return x;
        }

        var be = x.Backend;
        var mask = rng.UniformUnit(be, x.ShapeArray);
        return ApplyMask(x, mask, rate, 1f / (1f - rate));
    }

    /// <summary>
    /// x where mask &gt;= threshold else 0, times scale. A mask drawn once and reused for every time
    /// step gives the variational (recurrent) dropout of Gal and Ghahramani (2016).
    /// </summary>
    public static Tensor ApplyMask(Tensor x, Tensor mask, float threshold, float scale)
    {
        var be = x.Backend;
        var y = be.Allocate(x.Shape);
        be.DropoutMask(x, mask, threshold, scale, y);
        if (Tape.IsTracking(x))
        {
            Tape.Record(y, () =>
            {
                if (y.Grad is not { } dy)
                {
                    return;
                }

                var dx = be.Allocate(x.Shape);
                be.DropoutMask(dy, mask, threshold, scale, dx);
                be.Axpy(1f, dx, x.EnsureGrad());
            });
        }

        return y;
    }
}
