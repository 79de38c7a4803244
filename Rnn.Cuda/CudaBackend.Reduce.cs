using System.Runtime.InteropServices;
using Rnn.Core;
using Rnn.Cuda.Kernels;

namespace Rnn.Cuda;

// Reductions, softmax and row indexing.
public sealed partial class CudaBackend
{
    // Threads of the whole-tensor sums: enough to fill a GPU, few enough that the host adds the
    // partial sums in microseconds.
    private const int SumThreads = 4096;

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

        int[] expected = Shape.Broadcast(dst.Shape, src.Shape);
        if (!Shape.SameAs(expected, src.Shape))
        {
            throw new ArgumentException($"{dst.Describe()} does not broadcast to {src.Describe()}");
        }

        int rank = src.Rank;
        var aligned = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int di = i - (rank - dst.Rank);
            aligned[i] = di >= 0 ? dst.Shape[di] : 1;
        }

        var plan = new SumToPlan
        {
            Rank = rank,
            ReducedCount = dst.Length == 0 ? 0 : src.Length / dst.Length,
            Accumulate = accumulate ? 1 : 0,
            SrcShape = Dims.From(src.Shape),
            DstShape = Dims.From(aligned),
        };
        if (dst.Length > 0)
        {
            kernels.SumTo(Stream, dst.Length, V(src), V(dst), plan);
        }
    }

    public float Sum(Tensor x) => HostSum(x, x, dot: false);

    public float Dot(Tensor a, Tensor b)
    {
        CheckLength(a.Length, b.Length, nameof(Dot));
        return HostSum(a, b, dot: true);
    }

    private float HostSum(Tensor a, Tensor b, bool dot)
    {
        if (a.Length == 0)
        {
            return 0f;
        }

        int threads = Math.Min(SumThreads, a.Length);
        var partial = Allocate(new[] { threads });   // [threads]
        kernels.PartialSums(Stream, threads, V(a), V(b), V(partial), dot ? 1 : 0);
        var host = partial.ToArray();
        partial.Dispose();
        double total = 0;
        foreach (float v in host)
        {
            total += v;
        }

        return (float)total;
    }

    public void RowMax(Tensor x, Tensor y)
    {
        BackendChecks.RowMax(x, y);
        int cols = x.Dim(-1);
        if (y.Length > 0 && cols > 0)
        {
            kernels.RowMax(Stream, y.Length, V(x), V(y), cols);
        }
    }

    public void Softmax(Tensor x, Tensor y) => RowKernel(x, y, kernels.Softmax);

    public void LogSoftmax(Tensor x, Tensor y) => RowKernel(x, y, kernels.LogSoftmax);

    private void RowKernel(Tensor x, Tensor y, Action<ILGPU.Runtime.AcceleratorStream, int, ILGPU.ArrayView<float>,
        ILGPU.ArrayView<float>, int> launch)
    {
        CheckLength(x.Length, y.Length, "softmax");
        int cols = x.Dim(-1);
        if (x.Length > 0 && cols > 0)
        {
            launch(Stream, x.Length / cols, V(x), V(y), cols);
        }
    }

    public void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx)
    {
        CheckLength(y.Length, dx.Length, nameof(SoftmaxBackward));
        CheckLength(dy.Length, dx.Length, nameof(SoftmaxBackward));
        int cols = y.Dim(-1);
        if (y.Length > 0 && cols > 0)
        {
            kernels.SoftmaxBackward(Stream, y.Length / cols, V(y), V(dy), V(dx), cols);
        }
    }

    public void LogSoftmaxBackward(Tensor y, Tensor dy, Tensor dx)
    {
        CheckLength(y.Length, dx.Length, nameof(LogSoftmaxBackward));
        CheckLength(dy.Length, dx.Length, nameof(LogSoftmaxBackward));
        int cols = y.Dim(-1);
        if (y.Length > 0 && cols > 0)
        {
            kernels.LogSoftmaxBackward(Stream, y.Length / cols, V(y), V(dy), V(dx), cols);
        }
    }

    public void GatherRows(Tensor table, ReadOnlySpan<int> indices, Tensor y)
    {
        int cols = table.Dim(-1);
        int rows = cols == 0 ? 0 : table.Length / cols;
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)rows)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(indices), $"index {indices[i]} at position {i} is outside [0, {rows})");
            }
        }

        int count = indices.Length * cols;
        if (count > y.Length)
        {
            throw new ArgumentException($"GatherRows: {indices.Length} rows of {cols} do not fit in {y.Describe()}");
        }

        if (count == 0)
        {
            return;
        }

        using var idx = UploadIndices(indices);
        kernels.GatherRows(Stream, count, V(table), idx.View, V(y), cols);
        Stream.Synchronize();   // before the index buffer is freed
    }

    public void ScatterAddRows(Tensor dy, ReadOnlySpan<int> indices, Tensor tableGrad)
    {
        int cols = tableGrad.Dim(-1);
        int rows = cols == 0 ? 0 : tableGrad.Length / cols;
        for (int i = 0; i < indices.Length; i++)
        {
            if (indices[i] >= rows)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(indices), $"index {indices[i]} at position {i} is outside [0, {rows})");
            }
        }

        if (indices.Length * cols > dy.Length)
        {
            throw new ArgumentException(
                $"ScatterAddRows: {dy.Describe()} has fewer than {indices.Length} rows of {cols}");
        }

        if (indices.Length * cols == 0)
        {
            return;
        }

        using var idx = UploadIndices(indices);
        kernels.ScatterAddRows(Stream, cols, V(dy), idx.View, V(tableGrad), cols);
        Stream.Synchronize();
    }

    private unsafe ILGPU.Runtime.MemoryBuffer1D<int, ILGPU.Stride1D.Dense> UploadIndices(ReadOnlySpan<int> indices)
    {
        var buffer = accelerator.Allocate1D<int>(indices.Length);
        fixed (int* pinned = indices)   // pinned until the copy has finished (see CopyFromHost)
        {
            ILGPU.Runtime.ArrayViewExtensions.CopyFromCPU(buffer.View, Stream, ref *pinned, indices.Length);
            Stream.Synchronize();
        }

        return buffer;
    }
}
