using System.Globalization;
using Rnn.Core;

namespace Rnn.Bench;

/// <summary>
/// What the bench ran on: CPU model, clock and instruction set from /proc/cpuinfo, the load
/// average, and the FMA peak the GEMM cases are compared with.
/// </summary>
internal sealed record Machine(
    string Model, double Ghz, int Cores, CpuSimd Simd, string Vendor, int Family, int ModelNumber)
{
    /// <summary>float32 lanes of one FMA instruction: 16 for AVX-512, 8 for AVX2, 1 for scalar code.</summary>
    public int Lanes => Simd switch { CpuSimd.Avx512 => 16, CpuSimd.Avx2 => 8, _ => 1 };

    /// <summary>
    /// float32 lanes the core's FMA pipes retire per cycle, all pipes together, and where that
    /// figure comes from. AMD Zen 2, 3 and 4 (family 0x17 from model 0x30, family 0x19) have two
    /// 256-bit FMA pipes: 16 lanes a cycle, also for AVX-512, which Zen 4 splits into two 256-bit
    /// halves (so counting 2 x 16 lanes there would double the peak). Zen 1 has two 128-bit pipes.
    /// Anything else is assumed to have two FMA pipes of the instruction's width (Intel since
    /// Haswell; some AVX-512 parts have only one, which would halve the peak).
    /// </summary>
    public (int Lanes, string Why) FmaLanesPerCycle => (Vendor, Family) switch
    {
        ("AuthenticAMD", 0x19) => (Math.Min(Lanes, 8) * 2, "AMD family 19h (Zen 3/4): 2 x 256-bit FMA pipes"),
        ("AuthenticAMD", 0x17) when ModelNumber >= 0x30 => (Math.Min(Lanes, 8) * 2, "AMD Zen 2: 2 x 256-bit FMA pipes"),
        ("AuthenticAMD", 0x17) => (Math.Min(Lanes, 4) * 2, "AMD Zen 1: 2 x 128-bit FMA pipes"),
        _ => (Lanes * 2, $"2 FMA pipes of {Lanes} lanes (assumed)"),
    };

    /// <summary>
    /// Peak GFLOP/s on this many threads: cores used x GHz x FMA lanes a cycle x 2 (an FMA is a
    /// multiply and an add). The clock is /proc/cpuinfo's "cpu MHz" (base clock under a VM);
    /// turbo above it makes the true peak higher, and our percentage look better than it is.
    /// </summary>
    public double PeakGflops(int threads) => Math.Min(threads, Cores) * Ghz * FmaLanesPerCycle.Lanes * 2;

    /// <summary>How <see cref="PeakGflops"/> was computed, with the numbers.</summary>
    public string PeakFormula(int threads) => string.Create(CultureInfo.InvariantCulture,
        $"{Math.Min(threads, Cores)} cores x {Ghz:0.###} GHz x {FmaLanesPerCycle.Lanes} FMA lanes a cycle " +
        $"({FmaLanesPerCycle.Why}; {CpuFeatures.Describe(Simd)}) x 2 flops = {PeakGflops(threads):0.0} GFLOP/s");

    public static Machine Detect(CpuSimd simd)
    {
        string model = "unknown CPU", vendor = "";
        double mhz = 0;
        int family = -1, modelNumber = -1;
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
                else if (key == "vendor_id" && vendor == "")
                {
                    vendor = value;
                }
                else if (key == "cpu family" && family < 0)
                {
                    family = Int(value);
                }
                else if (key == "model" && modelNumber < 0)
                {
                    modelNumber = Int(value);
                }
            }
        }

        return new Machine(model, mhz / 1000, Environment.ProcessorCount, simd, vendor, family, modelNumber);
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

    // A decimal /proc/cpuinfo field, or -1.
    private static int Int(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : -1;

    private static (string Key, string Value) Split(string line)
    {
        int colon = line.IndexOf(':');
        return colon < 0 ? (line.Trim(), "") : (line[..colon].Trim(), line[(colon + 1)..].Trim());
    }
}
