using System.Buffers;

namespace Rnn.Core.Recurrent;

/// <summary>
/// The scratch tensors of one fused sequence pass (time-major inputs, gate buffers, state slots,
/// their gradients). On the CPU backend they are rented from the shared array pool, so a
/// steady-state training or inference loop reuses the same tens of megabytes instead of
/// allocating (and paging in) them at every call; on other backends they are plain allocations.
/// Rented contents are arbitrary: every user writes a buffer fully before reading it.
/// <see cref="Release"/> returns them once nothing reads them (the end of an inference call,
/// or of the backward pass); a pass whose backward never runs just leaves them to the GC.
/// </summary>
internal sealed class Workspace
{
    private readonly List<float[]> rented = new();

    /// <summary>An uninitialised tensor of this shape.</summary>
    public Tensor Take(IBackend be, params int[] shape)
    {
        if (be is not CpuBackend cpu)
        {
            return be.Allocate(shape);
        }

        var data = ArrayPool<float>.Shared.Rent(Shape.Size(shape));
        rented.Add(data);
        return new Tensor(new CpuStorage(cpu, data), shape);
    }

    /// <summary>Returns every rented buffer; no tensor taken from this workspace may be read after.</summary>
    public void Release()
    {
        foreach (var data in rented)
        {
            ArrayPool<float>.Shared.Return(data);
        }

        rented.Clear();
    }
}
