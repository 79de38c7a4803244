namespace Rnn.Core.Cpu;

/// <summary>
/// The arrays of disposed CPU tensors (<see cref="Tensor.Dispose"/>), kept for the next
/// allocation of the same length. Only arrays on the large object heap are kept: the GC
/// reclaims those only in full collections and the OS hands their pages back zeroed, one fault
/// a page, so an inference loop that allocated a fresh 13 MB output a call spent 2-6% of its
/// time there. Small arrays are cheaper to allocate than to pool. Bounded: at most
/// <see cref="MaxPerLength"/> arrays of one length and <see cref="MaxBytes"/> in all; beyond
/// that an array is left to the GC.
/// </summary>
internal sealed class HostArrayPool
{
    /// <summary>The smallest pooled array: the runtime's large object threshold (85,000 bytes).</summary>
    public const int MinLength = 85_000 / sizeof(float);

    public const int MaxPerLength = 4;

    public const long MaxBytes = 256L << 20;

    private readonly Dictionary<int, Stack<float[]>> free = new();
    private long bytes;

    /// <summary>Bytes held now.</summary>
    public long Bytes
    {
        get
        {
            lock (free)
            {
                return bytes;
            }
        }
    }

    /// <summary>A pooled array of exactly this length (contents left over), or null.</summary>
    public float[]? Take(int length)
    {
        if (length < MinLength)
        {
            return null;
        }

        lock (free)
        {
            if (!free.TryGetValue(length, out var stack) || stack.Count == 0)
            {
                return null;
            }

            bytes -= (long)length * sizeof(float);
            return stack.Pop();
        }
    }

    /// <summary>Keeps an array nothing else uses any more, if it is large and the pool has room.</summary>
    public void Return(float[] array)
    {
        long size = (long)array.Length * sizeof(float);
        if (array.Length < MinLength)
        {
            return;
        }

        lock (free)
        {
            if (!free.TryGetValue(array.Length, out var stack))
            {
                free[array.Length] = stack = new Stack<float[]>();
            }

            if (stack.Count >= MaxPerLength || bytes + size > MaxBytes)
            {
                return;
            }

            stack.Push(array);
            bytes += size;
        }
    }
}
