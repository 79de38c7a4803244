namespace Rnn.Core;

/// <summary>
/// The CPU implementation of <see cref="IBackend"/>: host arrays, AVX-512 / AVX2+FMA kernels
/// where the CPU has them, scalar code otherwise, and Parallel.For over blocks of work.
/// </summary>
/// <remarks>
/// The class is split by concern into partial files: memory and element-wise ops here, GEMM,
/// convolution, recurrent gate kernels and optimizer updates beside it.
/// </remarks>
public sealed partial class CpuBackend : IBackend
{
    /// <summary>Creates a CPU backend.</summary>
    /// <param name="threads">
    /// Worker threads for parallel kernels, at most <see cref="MaxThreads"/>; 0 means all cores.
    /// </param>
    /// <param name="simd">Instruction set to use; <see cref="CpuSimd.Auto"/> picks the best present.</param>
    public CpuBackend(int threads = 0, CpuSimd simd = CpuSimd.Auto)
    {
        if (threads < 0 || threads > MaxThreads)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads,
                $"a CPU backend takes 1 to {MaxThreads} threads, or 0 for all cores");
        }

        Threads = threads > 0 ? threads : Environment.ProcessorCount;
        Simd = CpuFeatures.Resolve(simd);
        Parallel = new ParallelOptions { MaxDegreeOfParallelism = Threads };
    }

    /// <summary>
    /// The most threads a backend takes (the task splits count in 32-bit integers, twice the
    /// threads among them, and past 2^30 threads they overflowed into wrong products).
    /// </summary>
    public const int MaxThreads = 1 << 16;

    /// <summary>Number of worker threads used by parallel kernels.</summary>
    public int Threads { get; }

    /// <summary>The instruction set path in use.</summary>
    public CpuSimd Simd { get; }

    internal ParallelOptions Parallel { get; }

    public string Name => $"cpu ({CpuFeatures.Describe(Simd)}, {Threads} threads)";

    internal static Span<float> S(Tensor t) => ((CpuStorage)t.Storage).Data.AsSpan(t.Offset, t.Length);

    internal static Span<float> S(Tensor t, int offset, int length) =>
        ((CpuStorage)t.Storage).Data.AsSpan(t.Offset + offset, length);

    internal static float[] Raw(Tensor t) => ((CpuStorage)t.Storage).Data;

    // ---- memory ----

    /// <summary>The arrays of disposed tensors, for the next allocations of their sizes.</summary>
    internal Cpu.HostArrayPool HostArrays { get; } = new();

    public Tensor Allocate(ReadOnlySpan<int> shape)
    {
        int size = Rnn.Core.Shape.Size(shape);
        var data = HostArrays.Take(size) ?? GC.AllocateUninitializedArray<float>(size);
        return new(new CpuStorage(this, data, pooled: true), shape);
    }

    public Tensor Zeros(ReadOnlySpan<int> shape)
    {
        int size = Rnn.Core.Shape.Size(shape);
        var data = HostArrays.Take(size);
        if (data is null)
        {
            data = new float[size];
        }
        else
        {
            Array.Clear(data);
        }

        return new(new CpuStorage(this, data, pooled: true), shape);
    }

    public Tensor FromArray(ReadOnlySpan<float> data, ReadOnlySpan<int> shape)
    {
        if (data.Length != Rnn.Core.Shape.Size(shape))
        {
            throw new ArgumentException(
                $"{data.Length} values do not fill shape {Rnn.Core.Shape.Format(shape)}");
        }

        var copy = HostArrays.Take(data.Length) ?? GC.AllocateUninitializedArray<float>(data.Length);
        data.CopyTo(copy);
        return new Tensor(new CpuStorage(this, copy, pooled: true), shape);
    }

    public void CopyToHost(Tensor src, Span<float> dst) => S(src).CopyTo(dst);

    public void CopyFromHost(ReadOnlySpan<float> src, Tensor dst)
    {
        CheckLength(src.Length, dst.Length, nameof(CopyFromHost));
        src.CopyTo(S(dst));
    }

    public void Copy(Tensor src, Tensor dst)
    {
        CheckLength(src.Length, dst.Length, nameof(Copy));
        S(src).CopyTo(S(dst));
    }

    public void CopyBlocks(
        Tensor src, int srcOffset, int srcStride,
        Tensor dst, int dstOffset, int dstStride,
        int blockLength, int blockCount, bool accumulate = false)
    {
        float[] s = Raw(src);
        float[] d = Raw(dst);
        for (int b = 0; b < blockCount; b++)
        {
            var from = s.AsSpan(src.Offset + srcOffset + b * srcStride, blockLength);
            var to = d.AsSpan(dst.Offset + dstOffset + b * dstStride, blockLength);
            if (accumulate)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(to, from, to);
            }
            else
            {
                from.CopyTo(to);
            }
        }
    }

    public void Permute(Tensor x, ReadOnlySpan<int> perm, Tensor y)
    {
        int rank = x.Rank;
        if (perm.Length != rank || y.Length != x.Length)
        {
            throw new ArgumentException($"bad permutation for {x.Describe()} -> {y.Describe()}");
        }

        int[] xStrides = Rnn.Core.Shape.Strides(x.Shape);
        int[] yShape = y.ShapeArray;

        // srcStride[i]: how far x moves when y's index i advances.
        var srcStride = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            srcStride[i] = xStrides[perm[i]];
        }

        var xs = S(x);
        var ys = S(y);
        var index = new int[rank];
        int src = 0;
        for (int o = 0; o < ys.Length; o++)
        {
            ys[o] = xs[src];
            for (int i = rank - 1; i >= 0; i--)
            {
                index[i]++;
                src += srcStride[i];
                if (index[i] < yShape[i])
                {
                    break;
                }

                src -= srcStride[i] * index[i];
                index[i] = 0;
            }
        }
    }

    public void Fill(Tensor t, float value) => S(t).Fill(value);

    internal static void CheckLength(int a, int b, string op)
    {
        if (a != b)
        {
            throw new ArgumentException($"{op}: lengths differ ({a} vs {b})");
        }
    }
}
