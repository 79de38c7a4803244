using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Rnn.Core;
using Rnn.Cuda.Kernels;

namespace Rnn.Cuda;

/// <summary>
/// <see cref="IBackend"/> on NVIDIA GPUs through ILGPU: device buffers, kernels written in C#
/// and compiled to PTX once per backend, cuBLAS for GEMM, and one stream for every operation.
/// <see cref="CreateCpuSimulated"/> runs the same kernels on ILGPU's CPU accelerator, which is
/// how machines without a GPU test this backend.
/// </summary>
/// <remarks>
/// Host memory is touched only at the edges: <see cref="FromArray"/>, <see cref="CopyFromHost"/>,
/// <see cref="CopyToHost"/>, and the host floats that <see cref="Sum"/> and <see cref="Dot"/>
/// return. The class is split by concern into partial files like <see cref="CpuBackend"/>.
/// </remarks>
/// <example>
/// <code>
/// using var gpu = CudaBackend.IsAvailable ? CudaBackend.Create() : CudaBackend.CreateCpuSimulated();
/// var x = gpu.FromArray(new float[] { 1, 2, 3 }, new[] { 3 });
/// </code>
/// </example>
public sealed partial class CudaBackend : IBackend, IDisposable
{
    private readonly Context context;
    private readonly Accelerator accelerator;
    private readonly CuBlas? cublas;
    private bool disposed;

    private CudaBackend(Context context, Accelerator accelerator, string name)
    {
        this.context = context;
        this.accelerator = accelerator;
        Name = name;
        if (accelerator is CudaAccelerator cuda)
        {
            cublas = TryCuBlas(cuda);
            Name += cublas is null ? ", tiled ILGPU GEMM: cuBLAS library not found)" : ", cuBLAS)";
        }

        kernels = new KernelCache(accelerator);
    }

    // cuBLAS ships with the CUDA toolkit, not the driver: a GPU machine may lack it, and then the
    // tiled ILGPU GEMM is used and the name says so.
    private static CuBlas? TryCuBlas(CudaAccelerator cuda)
    {
        try
        {
            // Queued on the same stream as our kernels, so every operation stays in order.
            return new CuBlas(cuda) { Stream = (CudaStream)cuda.DefaultStream };
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or CuBlasException
            or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static readonly Lazy<bool> Probe = new(ProbeCuda);

    /// <summary>True when ILGPU finds at least one CUDA device on this machine (probed once per process).</summary>
    public static bool IsAvailable => Probe.Value;

    // A machine without the CUDA driver has no libcuda: ILGPU then lists no devices or throws.
    private static bool ProbeCuda()
    {
        try
        {
            using var probe = Context.Create(b => b.Cuda());
            return probe.GetCudaDevices().Count > 0;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or CudaException
            or InvalidOperationException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>A backend on the first CUDA device; throws when there is none.</summary>
    /// <exception cref="InvalidOperationException">No CUDA device was found.</exception>
    public static CudaBackend Create()
    {
        if (!IsAvailable)
        {
            throw new InvalidOperationException(
                "no CUDA device found (CudaBackend needs an NVIDIA GPU and its driver)");
        }

        var context = Context.Create(b => b.Cuda().EnableAlgorithms());
        var device = context.GetCudaDevices()[0];
        var accelerator = device.CreateCudaAccelerator(context);
        return new CudaBackend(context, accelerator, $"cuda ({device.Name}");
    }

    /// <summary>
    /// A backend on ILGPU's CPU accelerator: the same kernels, run by CPU threads that simulate
    /// GPU groups, with the tiled ILGPU GEMM in place of cuBLAS. Slow; meant for tests.
    /// </summary>
    public static CudaBackend CreateCpuSimulated()
    {
        // Groups of up to 64 simulated threads: enough for the 8x8 GEMM tiles.
        var device = new CPUDevice(numThreadsPerWarp: 4, numWarpsPerMultiprocessor: 16, numMultiprocessors: 2);
        var context = Context.Create(b => b.CPU(device).EnableAlgorithms());
        var accelerator = device.CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel);
        return new CudaBackend(context, accelerator, "cuda (ILGPU CPU accelerator, simulated)");
    }

    /// <inheritdoc/>
    public string Name { get; private set; }

    /// <summary>True when GEMM goes through cuBLAS (a real CUDA device).</summary>
    public bool UsesCuBlas => cublas is not null;

    private readonly KernelCache kernels;

    private AcceleratorStream Stream => accelerator.DefaultStream;

    /// <summary>Waits until every queued kernel and copy has finished.</summary>
    public void Synchronize() => Stream.Synchronize();

    /// <summary>Frees cuBLAS, the accelerator (and with it every buffer it allocated) and the context.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        cublas?.Dispose();
        accelerator.Dispose();
        context.Dispose();
    }

    // ---- helpers ----

    private CudaStorage StorageOf(Tensor t)
    {
        if (t.Storage is CudaStorage s && ReferenceEquals(s.Owner, this))
        {
            return s;
        }

        throw new ArgumentException($"tensor {t.Describe()} lives on {t.Backend.Name}, not on {Name}");
    }

    /// <summary>The device view of exactly a tensor's elements.</summary>
    internal ArrayView<float> V(Tensor t) => StorageOf(t).View(t.Offset, t.Length);

    /// <summary>The device view of a tensor's whole storage; kernels add t.Offset themselves.</summary>
    internal ArrayView<float> Whole(Tensor t) => StorageOf(t).View(0, t.Storage.Length);

    private static void CheckLength(int a, int b, string op)
    {
        if (a != b)
        {
            throw new ArgumentException($"{op}: lengths differ ({a} vs {b})");
        }
    }

    // ---- memory ----

    public Tensor Allocate(ReadOnlySpan<int> shape)
    {
        int n = Shape.Size(shape);
        var buffer = accelerator.Allocate1D<float>(Math.Max(n, 1));
        return new Tensor(new CudaStorage(this, buffer, n), shape);
    }

    public Tensor Zeros(ReadOnlySpan<int> shape)
    {
        var t = Allocate(shape);
        StorageOf(t).Buffer.View.MemSetToZero(Stream);
        return t;
    }

    public Tensor FromArray(ReadOnlySpan<float> data, ReadOnlySpan<int> shape)
    {
        if (data.Length != Shape.Size(shape))
        {
            throw new ArgumentException($"{data.Length} values do not fill shape {Shape.Format(shape)}");
        }

        var t = Allocate(shape);
        CopyFromHost(data, t);
        return t;
    }

    public unsafe void CopyToHost(Tensor src, Span<float> dst)
    {
        CheckLength(src.Length, dst.Length, nameof(CopyToHost));
        if (src.Length == 0)
        {
            return;
        }

        Stream.Synchronize();

        // Pinned until the copy has finished: ILGPU takes the address and may copy after the call
        // returns, and a compacting GC moving the array meanwhile corrupts memory (seen as rare
        // wrong values in the conformance suite, reproducible with DOTNET_GCgen0size=0x20000).
        fixed (float* pinned = dst)
        {
            V(src).CopyToCPU(Stream, ref *pinned, dst.Length);
            Stream.Synchronize();
        }
    }

    public unsafe void CopyFromHost(ReadOnlySpan<float> src, Tensor dst)
    {
        CheckLength(src.Length, dst.Length, nameof(CopyFromHost));
        if (src.Length == 0)
        {
            return;
        }

        // The span may be stack or pooled memory the caller reuses, and a GC may move a managed
        // array: keep it pinned until the copy has finished.
        fixed (float* pinned = src)
        {
            V(dst).CopyFromCPU(Stream, ref *pinned, src.Length);
            Stream.Synchronize();
        }
    }

    public void Copy(Tensor src, Tensor dst)
    {
        CheckLength(src.Length, dst.Length, nameof(Copy));
        if (src.Length > 0)
        {
            CopyBlocks(src, 0, 0, dst, 0, 0, src.Length, 1);
        }
    }

    public void CopyBlocks(
        Tensor src, int srcOffset, int srcStride,
        Tensor dst, int dstOffset, int dstStride,
        int blockLength, int blockCount, bool accumulate = false)
    {
        if (blockLength < 0 || blockCount < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(blockLength), $"CopyBlocks sizes must not be negative; got {blockLength} x {blockCount}");
        }

        if (blockLength == 0 || blockCount == 0)
        {
            return;
        }

        CheckSpan("source", src, srcOffset, srcStride, blockLength, blockCount);
        CheckSpan("destination", dst, dstOffset, dstStride, blockLength, blockCount);
        var p = new BlockCopy
        {
            SrcOffset = src.Offset + srcOffset, SrcStride = srcStride,
            DstOffset = dst.Offset + dstOffset, DstStride = dstStride,
            BlockLength = blockLength, Accumulate = accumulate ? 1 : 0,
        };
        kernels.CopyBlocks(Stream, blockLength * blockCount, Whole(src), Whole(dst), p);
    }

    // Device reads are unchecked: a block outside the tensor is an exception here, never a bad read.
    private static void CheckSpan(string what, Tensor t, int offset, int stride, int blockLength, int blockCount)
    {
        long first = offset + Math.Min(0L, (long)(blockCount - 1) * stride);
        long end = offset + Math.Max(0L, (long)(blockCount - 1) * stride) + blockLength;
        if (first < 0 || end > t.Length)
        {
            throw new ArgumentException(
                $"CopyBlocks: {what} blocks span [{first}, {end}) outside {t.Describe()} of {t.Length} elements");
        }
    }

    public void Permute(Tensor x, ReadOnlySpan<int> perm, Tensor y)
    {
        int rank = x.Rank;
        if (perm.Length != rank || y.Length != x.Length)
        {
            throw new ArgumentException($"bad permutation for {x.Describe()} -> {y.Describe()}");
        }

        if (x.Length == 0)
        {
            return;
        }

        int[] xStrides = Shape.Strides(x.Shape);
        var srcStride = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            srcStride[i] = xStrides[perm[i]];
        }

        kernels.Permute(Stream, y.Length, V(x), V(y), rank, Dims.From(y.Shape), Dims.From(srcStride));
    }

    public void Fill(Tensor t, float value)
    {
        if (t.Length > 0)
        {
            kernels.Fill(Stream, t.Length, V(t), value);
        }
    }
}
