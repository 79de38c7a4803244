using Rnn.Core;

namespace Rnn.Bench.Cases;

/// <summary>
/// What every case needs: our backend, the machine, the thread count and the repeats. Child is
/// the one contender a child process times (null in the parent); Isolate makes the parent time
/// every contender in child processes (see <see cref="Harness"/>).
/// </summary>
internal sealed record BenchContext(CpuBackend Backend, Machine Machine, int Threads, bool Quick, string? TorchFailure,
    string? Child = null, int ChildRepeats = 0, bool Isolate = true, double MeasuredPeak = 0,
    double MeasuredCorePeak = 0)
{
    /// <summary>True when this process needs the named contender built: the parent builds all.</summary>
    public bool Wants(string contender) => Child is null || Child == contender;

    /// <summary>Untimed runs of each contender before timing (JIT, caches, thread pools).</summary>
    public int Warmups => Quick ? 1 : 2;

    /// <summary>Timed runs of each contender; the figure is their median.</summary>
    public int Repeats => Quick ? 3 : 12;

    /// <summary>
    /// Passes over the contenders, alternating in order (A B C, C B A, ...); each contender's
    /// repeats are spread over them. A full run's four passes put each contender in four phases
    /// at different minutes: with two, one burst of load from elsewhere on the host, which lasts
    /// tens of seconds here, could fall on half of one contender's blocks.
    /// </summary>
    public int Passes => Quick ? 2 : 4;

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
