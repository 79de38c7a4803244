namespace Rnn.Core;

/// <summary>
/// A flat float32 buffer owned by a backend. A <see cref="Tensor"/> is a shape over one storage.
/// Backends subclass this to hold host arrays, device buffers, or pooled memory.
/// </summary>
public abstract class TensorStorage
{
    /// <summary>The backend that allocated this storage and runs every op on it.</summary>
    public abstract IBackend Backend { get; }

    /// <summary>Number of float32 elements.</summary>
    public abstract int Length { get; }
}

/// <summary>Host memory storage used by <see cref="CpuBackend"/>.</summary>
public sealed class CpuStorage : TensorStorage
{
    internal CpuStorage(CpuBackend backend, float[] data)
    {
        Owner = backend;
        Data = data;
    }

    /// <summary>The backing array. Its length may exceed <see cref="Length"/> (pooled arrays).</summary>
    public float[] Data { get; }

    internal CpuBackend Owner { get; }

    public override IBackend Backend => Owner;

    public override int Length => Data.Length;
}
