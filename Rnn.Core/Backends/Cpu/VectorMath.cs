using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Core.Cpu;

/// <summary>
/// e^x on eight or sixteen floats at once, for the gate kernels. Vector256.Exp on float computes in double
/// precision (widen, evaluate, narrow), which made the exponentials most of an LSTM gate pass:
/// 309 us for a 64 x 512 batch on this machine. This one stays in float: x = n ln 2 + r with
/// |r| &lt;= ln(2)/2 (ln 2 split in two parts so n ln 2 is exact, the Cody-Waite reduction),
/// e^r from the degree-6 minimax polynomial of the Cephes library's expf (S. Moshier), and 2^n
/// put straight into the exponent bits. Error about 1 ulp over the clamped range.
/// </summary>
internal static class VectorMath
{
    // Inputs are clamped to [MinX, MaxX] so n stays in [-126, 127] (a normal float scale):
    // e^MinX ~ 1.2e-38 stands in for anything smaller, e^MaxX ~ 2.2e38 for anything larger.
    // The gate kernels only ever add 1 to these or divide 1 by them, where that makes no
    // difference. NaN in gives NaN out.
    private const float MinX = -87.3f, MaxX = 88.3f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var xc = Vector256.MinNative(Vector256.MaxNative(x, Vector256.Create(MinX)), Vector256.Create(MaxX));
        var n = Vector256.Round(xc * Vector256.Create(1.44269504088896341f));   // x / ln 2
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-0.693359375f), xc);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(2.12194440e-4f), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(1.9875691500e-4f), r, Vector256.Create(1.3981999507e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201e-1f));
        p = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
        // n lies in [-126, 127] after the clamp, so the plain conversion (no saturation fix-up) is exact.
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32Native(n) + Vector256.Create(127), 23).AsSingle();
        var e = p * scale;
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), e, x);
    }

    /// <summary>
    /// The same e^x on sixteen floats (AVX-512), lane for lane the same values (a test holds
    /// them equal, so both backends train alike), with 2^n applied by one vscalefps in place of
    /// the exponent-bit arithmetic, and the clamp written so that a NaN passes through it (x86
    /// max and min return their second operand when either is NaN), which saves the final
    /// select: a sigmoid over 65,536 floats took 11.0-11.8 us against 13.6-14.4 us (one core of an
    /// AMD Zen 5, three runs of a throwaway probe).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        if (!Avx512F.IsSupported)
        {
            // Vector512 emulated (a backend asked for AVX-512 on a CPU without it, in tests):
            // each half the 256-bit way, which gives the same values inside the range.
            return Vector512.Create(Exp(x.GetLower()), Exp(x.GetUpper()));
        }

        var xc = Avx512F.Min(Vector512.Create(MaxX), Avx512F.Max(Vector512.Create(MinX), x));   // NaN stays NaN
        var n = Vector512.Round(xc * Vector512.Create(1.44269504088896341f));   // x / ln 2
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693359375f), xc);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(2.12194440e-4f), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(1.9875691500e-4f), r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        p = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        return Avx512F.Scale(p, n);
    }
}
