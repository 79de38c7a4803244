namespace Rnn.Core;

/// <summary>
/// A flat float32 buffer owned by a backend. A <see cref="Tensor"/> is a shape over one storage.
/// Backends subclass this to hold host arrays, device buffers, or pooled memory.
/// </summary>
public abstract class TensorStorage
{
    private const int Released = int.MinValue;   // the count once the memory went back
    private int tensors;   // tensors over this storage that have not been disposed

    /// <summary>The backend that allocated this storage and runs every op on it.</summary>
    public abstract IBackend Backend { get; }

    /// <summary>Number of float32 elements.</summary>
    public abstract int Length { get; }

    // A tensor over this storage was made (the tensor itself or a view of it). Refused once every
    // earlier tensor was disposed and the memory went back: it may hold another tensor by now.
    internal void Attach()
    {
        while (true)
        {
            int n = Volatile.Read(ref tensors);
            if (n == Released)
            {
                throw new ObjectDisposedException(null,
                    "every tensor over this storage was disposed; its memory may already hold another tensor");
            }

            if (Interlocked.CompareExchange(ref tensors, n + 1, n) == n)
            {
                return;
            }
        }
    }

    // A tensor over this storage was disposed; when every one of them has been, the memory goes
    // back to the backend, unless a view made at that moment attached first. A tensor that is
    // never disposed keeps the storage out of any pool.
    internal void Detach()
    {
        if (Interlocked.Decrement(ref tensors) == 0 && Interlocked.CompareExchange(ref tensors, Released, 0) == 0)
        {
            Release();
        }
    }

    /// <summary>
    /// Called once, when every tensor over this storage has been disposed: a backend gives the
    /// memory back here (to a pool, or to the device). By default nothing happens and the GC
    /// frees the memory once the storage is unreachable.
    /// </summary>
    protected virtual void Release()
    {
    }
}

/// <summary>Host memory storage used by <see cref="CpuBackend"/>.</summary>
public sealed class CpuStorage : TensorStorage
{
    /// <param name="backend">The backend that owns the array.</param>
    /// <param name="data">The elements.</param>
    /// <param name="pooled">
    /// True when the array is the storage's own, so it may go to the backend's pool once every
    /// tensor over it is disposed; false for arrays lent by someone else (a workspace).
    /// </param>
    internal CpuStorage(CpuBackend backend, float[] data, bool pooled = false)
    {
        Owner = backend;
        Data = data;
        this.pooled = pooled;
    }

    private readonly bool pooled;

    /// <summary>The backing array. Its length may exceed <see cref="Length"/> (pooled arrays).</summary>
    public float[] Data { get; }

    internal CpuBackend Owner { get; }

    public override IBackend Backend => Owner;

    public override int Length => Data.Length;

    protected override void Release()
    {
        if (pooled)
        {
            Owner.HostArrays.Return(Data);
        }
    }
}
