namespace Rnn.Core;

/// <summary>Helpers for shapes: element counts, broadcasting, formatting.</summary>
public static class Shape
{
    /// <summary>Number of elements of a shape (1 for a scalar, rank 0).</summary>
    public static int Size(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"negative dimension in shape {Format(shape)}");
            }

            n *= d;
        }

        if (n > int.MaxValue)
        {
            throw new ArgumentException($"shape {Format(shape)} has {n} elements, over 2^31-1");
        }

        return (int)n;
    }

    /// <summary>Formats a shape as "[2, 3, 4]".</summary>
    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>True when two shapes have the same rank and dimensions.</summary>
    public static bool SameAs(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>
    /// The numpy-style broadcast of two shapes (trailing dimensions aligned, 1 stretches).
    /// </summary>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
            {
                throw new ArgumentException(
                    $"shapes {Format(a)} and {Format(b)} do not broadcast (dimension {i}: {da} vs {db})");
            }

            result[i] = da == 1 ? db : da;
        }

        return result;
    }

    /// <summary>Row-major strides of a shape, in elements.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= shape[i];
        }

        return strides;
    }

    /// <summary>Resolves a negative axis (-1 = last) and checks its range.</summary>
    public static int Axis(int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), $"axis {axis} is out of range for rank {rank}");
        }

        return a;
    }
}
