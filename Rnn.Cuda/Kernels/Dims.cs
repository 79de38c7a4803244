namespace Rnn.Cuda.Kernels;

/// <summary>
/// Up to eight int values passed to a kernel by value (shapes and strides), so no device
/// buffer is allocated for them per call. Kernels read them with <see cref="Get"/>.
/// </summary>
internal struct Dims
{
    /// <summary>The most axes a shape handed to a kernel may have.</summary>
    public const int MaxRank = 8;

    public int D0, D1, D2, D3, D4, D5, D6, D7;

    public readonly int Get(int i) => i switch
    {
        0 => D0,
        1 => D1,
        2 => D2,
        3 => D3,
        4 => D4,
        5 => D5,
        6 => D6,
        _ => D7,
    };

    public void Set(int i, int value)
    {
        switch (i)
        {
            case 0: D0 = value; break;
            case 1: D1 = value; break;
            case 2: D2 = value; break;
            case 3: D3 = value; break;
            case 4: D4 = value; break;
            case 5: D5 = value; break;
            case 6: D6 = value; break;
            default: D7 = value; break;
        }
    }

    /// <summary>Packs host values; more than <see cref="MaxRank"/> is an error naming the count.</summary>
    public static Dims From(ReadOnlySpan<int> values)
    {
        if (values.Length > MaxRank)
        {
            throw new ArgumentException($"CudaBackend supports tensors of rank <= {MaxRank}; got rank {values.Length}");
        }

        var d = default(Dims);
        for (int i = 0; i < values.Length; i++)
        {
            d.Set(i, values[i]);
        }

        return d;
    }
}
