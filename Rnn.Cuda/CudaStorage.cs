using ILGPU;
using ILGPU.Runtime;
using Rnn.Core;

namespace Rnn.Cuda;

/// <summary>
/// Device memory for <see cref="CudaBackend"/>: one ILGPU buffer of float32 elements on the
/// backend's accelerator. The host never reads it directly; copies go through the backend.
/// </summary>
public sealed class CudaStorage : TensorStorage
{
    private readonly int length;

    internal CudaStorage(CudaBackend backend, MemoryBuffer1D<float, Stride1D.Dense> buffer, int length)
    {
        Owner = backend;
        Buffer = buffer;
        this.length = length;
    }

    /// <summary>
    /// The device buffer. It holds at least one element even for an empty tensor (ILGPU does not
    /// allocate zero-length buffers), so its size may exceed <see cref="Length"/>.
    /// </summary>
    public MemoryBuffer1D<float, Stride1D.Dense> Buffer { get; }

    internal CudaBackend Owner { get; }

    public override IBackend Backend => Owner;

    public override int Length => length;

    /// <summary>
    /// Frees the device buffer at once when every tensor over it has been disposed, rather than
    /// when the GC finalizes it (device memory is scarcer than the GC can see).
    /// </summary>
    protected override void Release() => Buffer.Dispose();

    /// <summary>A view of elements [offset, offset + count) of the buffer.</summary>
    internal ArrayView<float> View(int offset, int count) => Buffer.View.SubView(offset, count);
}
