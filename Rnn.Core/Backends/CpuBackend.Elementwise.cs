using System.Numerics.Tensors;
using Rnn.Core.Cpu;

namespace Rnn.Core;

// Element-wise ops, broadcasting, reductions and indexing. TensorPrimitives supplies the
// vectorised loops for the common cases, Cpu/ElementwiseKernels.cs the activation derivatives,
// leaky ReLU and dropout on the chosen instruction set; the rest are plain loops.
public sealed partial class CpuBackend
{
    public void Unary(UnaryOp op, Tensor x, Tensor y)
    {
        CheckLength(x.Length, y.Length, nameof(Unary));
        if (x.Length == 0)
        {
            return;   // TensorPrimitives.Sigmoid refuses empty spans
        }

        ReadOnlySpan<float> xs = S(x);
        Span<float> ys = S(y);
        switch (op)
        {
            case UnaryOp.Identity: xs.CopyTo(ys); break;
            case UnaryOp.Neg: TensorPrimitives.Negate(xs, ys); break;
            case UnaryOp.Exp: TensorPrimitives.Exp(xs, ys); break;
            case UnaryOp.Log: TensorPrimitives.Log(xs, ys); break;
            case UnaryOp.Sqrt: TensorPrimitives.Sqrt(xs, ys); break;
            case UnaryOp.Square: TensorPrimitives.Multiply(xs, xs, ys); break;
            case UnaryOp.Abs: TensorPrimitives.Abs(xs, ys); break;
            case UnaryOp.Reciprocal: TensorPrimitives.Reciprocal(xs, ys); break;
            case UnaryOp.Sigmoid: TensorPrimitives.Sigmoid(xs, ys); break;
            case UnaryOp.Tanh: TensorPrimitives.Tanh(xs, ys); break;
            case UnaryOp.Relu: TensorPrimitives.Max(xs, 0f, ys); break;
            default:
                for (int i = 0; i < xs.Length; i++)
                {
                    ys[i] = Scalar.Apply(op, xs[i]);
                }

                break;
        }
    }

    public void UnaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor dy, Tensor dx)
    {
        CheckLength(x.Length, dx.Length, nameof(UnaryBackward));
        CheckLength(y.Length, dx.Length, nameof(UnaryBackward));
        CheckLength(dy.Length, dx.Length, nameof(UnaryBackward));
        ReadOnlySpan<float> xs = S(x);
        ReadOnlySpan<float> ys = S(y);
        ReadOnlySpan<float> dys = S(dy);
        Span<float> dxs = S(dx);
        switch (op)
        {
            case UnaryOp.Identity: TensorPrimitives.Add(dxs, dys, dxs); break;
            case UnaryOp.Neg: TensorPrimitives.Subtract(dxs, dys, dxs); break;
            case UnaryOp.Exp: TensorPrimitives.FusedMultiplyAdd(dys, ys, dxs, dxs); break;
            case UnaryOp.Sigmoid: ElementwiseKernels.SigmoidBackward(Simd, ys, dys, dxs); break;
            case UnaryOp.Tanh: ElementwiseKernels.TanhBackward(Simd, ys, dys, dxs); break;
            case UnaryOp.Relu: ElementwiseKernels.LeakyReluBackward(Simd, xs, 0f, dys, dxs); break;
            default:
                for (int i = 0; i < dxs.Length; i++)
                {
                    dxs[i] += dys[i] * Scalar.Derivative(op, xs[i], ys[i]);
                }

                break;
        }
    }

    public void LeakyRelu(Tensor x, float slope, Tensor y)
    {
        CheckLength(x.Length, y.Length, nameof(LeakyRelu));
        ElementwiseKernels.LeakyRelu(Simd, S(x), slope, S(y));
    }

    public void LeakyReluBackward(Tensor x, float slope, Tensor dy, Tensor dx)
    {
        CheckLength(x.Length, dx.Length, nameof(LeakyReluBackward));
        CheckLength(dy.Length, dx.Length, nameof(LeakyReluBackward));
        ElementwiseKernels.LeakyReluBackward(Simd, S(x), slope, S(dy), S(dx));
    }

    public void Binary(BinaryOp op, Tensor a, Tensor b, Tensor c)
    {
        if (a.Length == c.Length && b.Length == c.Length)
        {
            BinarySame(op, S(a), S(b), S(c));
            return;
        }

        var plan = BroadcastPlan.Create(a.Shape, b.Shape, c.Shape);
        ReadOnlySpan<float> av = S(a);
        ReadOnlySpan<float> bv = S(b);
        Span<float> cv = S(c);
        int inner = plan.InnerLength;
        int outer = cv.Length / Math.Max(inner, 1);
        for (int o = 0; o < outer; o++)
        {
            plan.Offsets(o, out int ao, out int bo);
            var cs = cv.Slice(o * inner, inner);
            if (plan.AInnerStride == 1 && plan.BInnerStride == 1)
            {
                BinarySame(op, av.Slice(ao, inner), bv.Slice(bo, inner), cs);
            }
            else if (plan.AInnerStride == 1 && plan.BInnerStride == 0)
            {
                // A column broadcast ([rows, n] op [rows, 1]): one scalar for the whole row.
                BinaryScalarRight(op, av.Slice(ao, inner), bv[bo], cs);
            }
            else
            {
                for (int i = 0; i < inner; i++)
                {
                    cs[i] = Scalar.Apply(op, av[ao + i * plan.AInnerStride], bv[bo + i * plan.BInnerStride]);
                }
            }
        }
    }

    private static void BinarySame(BinaryOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, c); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, c); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(a, b, c); break;
            case BinaryOp.Div: TensorPrimitives.Divide(a, b, c); break;
            case BinaryOp.Max: TensorPrimitives.Max(a, b, c); break;
            case BinaryOp.Min: TensorPrimitives.Min(a, b, c); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }

    private static void BinaryScalarRight(BinaryOp op, ReadOnlySpan<float> a, float b, Span<float> c)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, c); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, c); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(a, b, c); break;
            case BinaryOp.Div: TensorPrimitives.Divide(a, b, c); break;
            case BinaryOp.Max: TensorPrimitives.Max(a, b, c); break;
            case BinaryOp.Min: TensorPrimitives.Min(a, b, c); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }

    public void Affine(Tensor x, float alpha, float beta, Tensor y)
    {
        CheckLength(x.Length, y.Length, nameof(Affine));
        Span<float> ys = S(y);
        TensorPrimitives.Multiply(S(x), alpha, ys);
        if (beta != 0f)
        {
            TensorPrimitives.Add(ys, beta, ys);
        }
    }

    public void Axpy(float alpha, Tensor x, Tensor y)
    {
        CheckLength(x.Length, y.Length, nameof(Axpy));
        Span<float> ys = S(y);
        TensorPrimitives.MultiplyAdd(S(x), alpha, ys, ys);
    }

    public void DropoutMask(Tensor x, Tensor mask, float threshold, float scale, Tensor y)
    {
        CheckLength(x.Length, y.Length, nameof(DropoutMask));
        CheckLength(mask.Length, y.Length, nameof(DropoutMask));
        ElementwiseKernels.Dropout(Simd, S(x), S(mask), threshold, scale, S(y));
    }

    public void ReduceSumTo(Tensor src, Tensor dst, bool accumulate)
    {
        if (src.Length == dst.Length)
        {
            if (accumulate)
            {
                Axpy(1f, src, dst);
            }
            else
            {
                Copy(src, dst);
            }

            return;
        }

        var plan = BroadcastPlan.Create(dst.Shape, dst.Shape, src.Shape);
        ReadOnlySpan<float> sv = S(src);
        Span<float> dv = S(dst);
        if (!accumulate)
        {
            dv.Clear();
        }

        int inner = plan.InnerLength;
        int outer = sv.Length / Math.Max(inner, 1);
        for (int o = 0; o < outer; o++)
        {
            plan.Offsets(o, out int d, out _);
            var ss = sv.Slice(o * inner, inner);
            if (plan.AInnerStride == 1)
            {
                TensorPrimitives.Add(dv.Slice(d, inner), ss, dv.Slice(d, inner));
            }
            else
            {
                dv[d] += TensorPrimitives.Sum(ss);
            }
        }
    }

    public float Sum(Tensor x) => TensorPrimitives.Sum(S(x));

    public float Dot(Tensor a, Tensor b)
    {
        CheckLength(a.Length, b.Length, nameof(Dot));
        return TensorPrimitives.Dot(S(a), S(b));
    }

    public void RowMax(Tensor x, Tensor y)
    {
        BackendChecks.RowMax(x, y);
        int cols = x.Dim(-1);
        ReadOnlySpan<float> xs = S(x);
        Span<float> ys = S(y);
        for (int r = 0; r < ys.Length; r++)
        {
            ys[r] = TensorPrimitives.Max(xs.Slice(r * cols, cols));
        }
    }

    public void Softmax(Tensor x, Tensor y)
    {
        int cols = x.Dim(-1);
        int rows = cols == 0 ? 0 : x.Length / cols;   // rows of no columns need nothing
        float[] xs = Raw(x);
        float[] ys = Raw(y);
        int xo = x.Offset;
        int yo = y.Offset;
        System.Threading.Tasks.Parallel.For(0, rows, Parallel, r =>
            TensorPrimitives.SoftMax(xs.AsSpan(xo + r * cols, cols), ys.AsSpan(yo + r * cols, cols)));
    }

    public void LogSoftmax(Tensor x, Tensor y)
    {
        int cols = x.Dim(-1);
        int rows = cols == 0 ? 0 : x.Length / cols;   // rows of no columns need nothing
        float[] xs = Raw(x);
        float[] ys = Raw(y);
        int xo = x.Offset;
        int yo = y.Offset;
        System.Threading.Tasks.Parallel.For(0, rows, Parallel, r =>
        {
            var row = xs.AsSpan(xo + r * cols, cols);
            var outRow = ys.AsSpan(yo + r * cols, cols);
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, outRow);
            double sum = 0;
            foreach (float v in outRow)
            {
                sum += Math.Exp(v);
            }

            TensorPrimitives.Subtract(outRow, (float)Math.Log(sum), outRow);
        });
    }

    public void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx)
    {
        int cols = y.Dim(-1);
        int rows = cols == 0 ? 0 : y.Length / cols;   // rows of no columns need nothing
        ReadOnlySpan<float> ys = S(y);
        ReadOnlySpan<float> dys = S(dy);
        Span<float> dxs = S(dx);
        for (int r = 0; r < rows; r++)
        {
            var yr = ys.Slice(r * cols, cols);
            var dyr = dys.Slice(r * cols, cols);
            var dxr = dxs.Slice(r * cols, cols);
            ElementwiseKernels.SoftmaxRowBackward(Simd, yr, dyr, TensorPrimitives.Dot(yr, dyr), dxr);
        }
    }

    public void LogSoftmaxBackward(Tensor y, Tensor dy, Tensor dx)
    {
        int cols = y.Dim(-1);
        int rows = cols == 0 ? 0 : y.Length / cols;   // rows of no columns need nothing
        ReadOnlySpan<float> ys = S(y);
        ReadOnlySpan<float> dys = S(dy);
        Span<float> dxs = S(dx);
        for (int r = 0; r < rows; r++)
        {
            var yr = ys.Slice(r * cols, cols);
            var dyr = dys.Slice(r * cols, cols);
            var dxr = dxs.Slice(r * cols, cols);
            float sum = TensorPrimitives.Sum(dyr);
            for (int c = 0; c < cols; c++)
            {
                dxr[c] += dyr[c] - MathF.Exp(yr[c]) * sum;
            }
        }
    }

    public void GatherRows(Tensor table, ReadOnlySpan<int> indices, Tensor y)
    {
        int cols = table.Dim(-1);
        int rows = table.Rank == 0 ? 1 : Rnn.Core.Shape.Size(table.Shape[..^1]);   // also when cols is 0
        ReadOnlySpan<float> ts = S(table);
        Span<float> ys = S(y);
        for (int i = 0; i < indices.Length; i++)
        {
            int row = indices[i];
            if ((uint)row >= (uint)rows)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(indices), $"index {row} at position {i} is outside [0, {rows})");
            }

            ts.Slice(row * cols, cols).CopyTo(ys.Slice(i * cols, cols));
        }
    }

    public void ScatterAddRows(Tensor dy, ReadOnlySpan<int> indices, Tensor tableGrad)
    {
        int cols = tableGrad.Dim(-1);
        ReadOnlySpan<float> ds = S(dy);
        Span<float> gs = S(tableGrad);
        for (int i = 0; i < indices.Length; i++)
        {
            if (indices[i] < 0)
            {
                continue;
            }

            var g = gs.Slice(indices[i] * cols, cols);
            TensorPrimitives.Add(g, ds.Slice(i * cols, cols), g);
        }
    }
}
