using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Core;

/// <summary>Which SIMD instruction set the CPU backend's kernels use.</summary>
public enum CpuSimd
{
    /// <summary>The best set the CPU has.</summary>
    Auto,

    /// <summary>Plain scalar loops (the reference path).</summary>
    Scalar,

    /// <summary>256-bit AVX2 with fused multiply-add.</summary>
    Avx2,

    /// <summary>512-bit AVX-512F.</summary>
    Avx512,
}

/// <summary>Detects the CPU's instruction sets.</summary>
public static class CpuFeatures
{
    /// <summary>True when AVX2 and FMA are both present.</summary>
    public static bool HasAvx2Fma => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>True when AVX-512F runs in hardware.</summary>
    public static bool HasAvx512 => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>
    /// Resolves Auto to the best present set. An explicit set is kept even when the CPU lacks it:
    /// .NET then runs the Vector256/Vector512 code in software, which is slow but exact, so the
    /// tests can check every path on any machine.
    /// </summary>
    public static CpuSimd Resolve(CpuSimd wanted) => wanted switch
    {
        CpuSimd.Auto when HasAvx512 => CpuSimd.Avx512,
        CpuSimd.Auto when HasAvx2Fma => CpuSimd.Avx2,
        CpuSimd.Auto => CpuSimd.Scalar,
        _ => wanted,
    };

    /// <summary>
    /// Bytes of level-2 cache of the first core, as Linux reports it in
    /// /sys/devices/system/cpu/cpu0/cache; 0 where that cannot be read (other systems, some
    /// containers). It sizes the GEMM's depth blocks (<see cref="Cpu.PackedGemm"/>).
    /// </summary>
    internal static long L2BytesPerCore { get; } = ReadL2Bytes();

    private static long ReadL2Bytes()
    {
        try
        {
            const string root = "/sys/devices/system/cpu/cpu0/cache";
            if (!Directory.Exists(root))
            {
                return 0;
            }

            foreach (string dir in Directory.EnumerateDirectories(root, "index*"))
            {
                string level = File.ReadAllText(Path.Combine(dir, "level")).Trim();
                string type = File.ReadAllText(Path.Combine(dir, "type")).Trim();
                if (level != "2" || type == "Instruction")
                {
                    continue;
                }

                // "2048K" (or "2M"): the kernel's units are powers of 1024.
                string size = File.ReadAllText(Path.Combine(dir, "size")).Trim();
                long scale = size.EndsWith('K') ? 1L << 10 : size.EndsWith('M') ? 1L << 20 : 1;
                return long.TryParse(size.TrimEnd('K', 'M'), out long n) ? n * scale : 0;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return 0;
    }

    /// <summary>Short text such as "avx2+fma".</summary>
    public static string Describe(CpuSimd simd) => simd switch
    {
        CpuSimd.Avx512 => HasAvx512 ? "avx512" : "avx512 (emulated)",
        CpuSimd.Avx2 => HasAvx2Fma ? "avx2+fma" : "avx2 (emulated)",
        _ => "scalar",
    };
}
