using System.Globalization;
using Rnn.Core;

namespace Rnn.Bench;

/// <summary>
/// What the bench ran on: CPU model, clock and instruction set from /proc/cpuinfo, the load
/// average, and the FMA peak the GEMM cases are compared with.
/// </summary>
internal sealed record Machine(string Model, double Ghz, int Cores, CpuSimd Simd)
{
    /// <summary>Assumed FMA units per core: 2 on every Zen, Haswell and later core this targets.</summary>
    public const int FmaUnits = 2;

    /// <summary>float32 lanes of one FMA: 16 for AVX-512, 8 for AVX2, 1 for scalar code.</summary>
    public int Lanes => Simd switch { CpuSimd.Avx512 => 16, CpuSimd.Avx2 => 8, _ => 1 };

    /// <summary>
    /// Peak GFLOP/s on this many threads: cores used x GHz x FMA units x lanes x 2 (an FMA is a
    /// multiply and an add). The clock is /proc/cpuinfo's "cpu MHz" (base clock under a VM);
    /// turbo above it would make the true peak higher and our percentage look better than it is.
    /// </summary>
    public double PeakGflops(int threads) => Math.Min(threads, Cores) * Ghz * FmaUnits * Lanes * 2;

    /// <summary>How <see cref="PeakGflops"/> was computed, with the numbers.</summary>
    public string PeakFormula(int threads) => string.Create(CultureInfo.InvariantCulture,
        $"{Math.Min(threads, Cores)} cores x {Ghz:0.###} GHz x {FmaUnits} FMA units (assumed) x {Lanes} lanes " +
        $"({CpuFeatures.Describe(Simd)}) x 2 flops = {PeakGflops(threads):0.0} GFLOP/s");

    public static Machine Detect(CpuSimd simd)
    {
        string model = "unknown CPU";
        double mhz = 0;
        if (File.Exists("/proc/cpuinfo"))
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                var (key, value) = Split(line);
                if (key == "model name" && model == "unknown CPU")
                {
                    model = value;
                }
                else if (key == "cpu MHz" && mhz == 0)
                {
                    double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out mhz);
                }
            }
        }

        return new Machine(model, mhz / 1000, Environment.ProcessorCount, simd);
    }

    /// <summary>The first three fields of /proc/loadavg (1, 5, 15 minutes), or "n/a".</summary>
    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join(' ', parts.Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    private static (string Key, string Value) Split(string line)
    {
        int colon = line.IndexOf(':');
        return colon < 0 ? (line.Trim(), "") : (line[..colon].Trim(), line[(colon + 1)..].Trim());
    }
}
