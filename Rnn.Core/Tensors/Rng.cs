namespace Rnn.Core;

/// <summary>
/// A small seeded random generator (SplitMix64) whose sequence is fixed by the seed on every
/// platform and .NET version, so training runs and tests are reproducible.
/// </summary>
public sealed class Rng
{
    private ulong state;
    private double? spareNormal;

    /// <summary>Creates a generator; equal seeds give equal sequences.</summary>
    public Rng(ulong seed) => state = seed;

    /// <summary>The generator's full state, for checkpoints.</summary>
    public ulong State
    {
        get => state;
        set
        {
            state = value;
            spareNormal = null;
        }
    }

    /// <summary>
    /// The second Box-Muller sample that the next <see cref="Normal()"/> returns, or null. With
    /// <see cref="State"/> it describes the generator completely; set it after State (setting
    /// State clears it) to restore a checkpoint exactly.
    /// </summary>
    public double? PendingNormal
    {
        get => spareNormal;
        set => spareNormal = value;
    }

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform float in [0, 1).</summary>
    public float NextFloat() => (float)((NextUInt64() >> 40) * (1.0 / (1UL << 24)));

    /// <summary>Uniform float in [low, high).</summary>
    public float Uniform(float low, float high) => low + (high - low) * NextFloat();

    /// <summary>Uniform integer in [0, maxExclusive).</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), $"must be positive; got {maxExclusive}");
        }

        return (int)(NextUInt64() % (ulong)maxExclusive);
    }

    /// <summary>Uniform integer in [min, maxExclusive).</summary>
    public int NextInt(int min, int maxExclusive) => min + NextInt(maxExclusive - min);

    /// <summary>Standard normal sample (Box-Muller).</summary>
    public float Normal()
    {
        if (spareNormal is { } spare)
        {
            spareNormal = null;
            return (float)spare;
        }

        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        spareNormal = r * Math.Sin(2 * Math.PI * u2);
        return (float)(r * Math.Cos(2 * Math.PI * u2));
    }

    /// <summary>Shuffles a span in place (Fisher-Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>
    /// A tensor of uniform [0, 1) values. Named apart from <see cref="Uniform(IBackend, float, float, int[])"/>
    /// so that integer bounds such as Uniform(be, 0, 1, 64, 12) cannot silently bind to a shape.
    /// </summary>
    public Tensor UniformUnit(IBackend backend, params int[] shape)
    {
        var data = new float[Shape.Size(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = NextFloat();
        }

        return backend.FromArray(data, shape);
    }

    /// <summary>A tensor of uniform [low, high) values.</summary>
    public Tensor Uniform(IBackend backend, float low, float high, params int[] shape)
    {
        var data = new float[Shape.Size(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = Uniform(low, high);
        }

        return backend.FromArray(data, shape);
    }

    /// <summary>A tensor of normal(0, std) values.</summary>
    public Tensor Normal(IBackend backend, float std, params int[] shape)
    {
        var data = new float[Shape.Size(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = std * Normal();
        }

        return backend.FromArray(data, shape);
    }

    /// <summary>A new generator seeded from this one (independent streams for sub-tasks).</summary>
    public Rng Fork() => new(NextUInt64());
}
