using Rnn.Core;

namespace Rnn.Bench.Cases;

/// <summary>What every case needs: our backend, the machine, the thread count and the repeats.</summary>
internal sealed record BenchContext(CpuBackend Backend, Machine Machine, int Threads, bool Quick, string? TorchFailure)
{
    /// <summary>Untimed runs of each contender before timing (JIT, caches, thread pools).</summary>
    public int Warmups => Quick ? 1 : 2;

    /// <summary>Timed runs of each contender; the figure is their median.</summary>
    public int Repeats => Quick ? 3 : 7;

    /// <summary>Random values in [-1, 1) from a fixed seed.</summary>
    public static float[] Random(int count, int seed)
    {
        var rng = new Random(seed);
        var data = new float[count];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        return data;
    }
}
