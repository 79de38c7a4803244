using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Core.Cpu;

/// <summary>
/// The LSTM forward gate math of one batch row in a single pass over its hidden units, 16 at a
/// time in 512-bit vectors where the backend runs AVX-512, then 8 at a time in 256-bit ones:
/// i, f, o = sigmoid, g = tanh, c = f*cPrev + i*g, h = o*tanh(c), activated gates written back
/// for the backward pass. The TensorPrimitives version takes eight passes over the same blocks;
/// this one reads and writes each value once. sigmoid(x) =
/// 1 / (1 + e^-x) and tanh(x) = sign(x) (1 - e^-2|x|) / (1 + e^-2|x|), both on
/// <see cref="VectorMath"/>.Exp; they differ from TensorPrimitives by a few float ulps (tanh by
/// up to ~1e-7 absolute near 0).
/// </summary>
internal static class LstmGateRow
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(
        Span<float> i, Span<float> f, Span<float> g, Span<float> o,
        ReadOnlySpan<float> cPrev, Span<float> c, Span<float> h, bool wide = false)
    {
        int w = i.Length;
        ref float ri = ref MemoryMarshal.GetReference(i);
        ref float rf = ref MemoryMarshal.GetReference(f);
        ref float rg = ref MemoryMarshal.GetReference(g);
        ref float ro = ref MemoryMarshal.GetReference(o);
        ref float rp = ref MemoryMarshal.GetReference(cPrev);
        ref float rc = ref MemoryMarshal.GetReference(c);
        ref float rh = ref MemoryMarshal.GetReference(h);
        int u = 0;
        for (; wide && u + 16 <= w; u += 16)
        {
            nuint k = (nuint)u;
            var vi = Sigmoid(Vector512.LoadUnsafe(ref ri, k));
            var vf = Sigmoid(Vector512.LoadUnsafe(ref rf, k));
            var vg = Tanh(Vector512.LoadUnsafe(ref rg, k));
            var vo = Sigmoid(Vector512.LoadUnsafe(ref ro, k));
            var vc = Vector512.FusedMultiplyAdd(vf, Vector512.LoadUnsafe(ref rp, k), vi * vg);
            vi.StoreUnsafe(ref ri, k);
            vf.StoreUnsafe(ref rf, k);
            vg.StoreUnsafe(ref rg, k);
            vo.StoreUnsafe(ref ro, k);
            vc.StoreUnsafe(ref rc, k);
            (vo * Tanh(vc)).StoreUnsafe(ref rh, k);
        }

        for (; u + 8 <= w; u += 8)
        {
            nuint k = (nuint)u;
            var vi = Sigmoid(Vector256.LoadUnsafe(ref ri, k));
            var vf = Sigmoid(Vector256.LoadUnsafe(ref rf, k));
            var vg = Tanh(Vector256.LoadUnsafe(ref rg, k));
            var vo = Sigmoid(Vector256.LoadUnsafe(ref ro, k));
            var vc = Vector256.FusedMultiplyAdd(vf, Vector256.LoadUnsafe(ref rp, k), vi * vg);
            vi.StoreUnsafe(ref ri, k);
            vf.StoreUnsafe(ref rf, k);
            vg.StoreUnsafe(ref rg, k);
            vo.StoreUnsafe(ref ro, k);
            vc.StoreUnsafe(ref rc, k);
            (vo * Tanh(vc)).StoreUnsafe(ref rh, k);
        }

        for (; u < w; u++)
        {
            float si = Sigmoid(i[u]), sf = Sigmoid(f[u]), tg = MathF.Tanh(g[u]), so = Sigmoid(o[u]);
            (i[u], f[u], g[u], o[u]) = (si, sf, tg, so);
            c[u] = sf * cPrev[u] + si * tg;
            h[u] = so * MathF.Tanh(c[u]);
        }
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Sigmoid(Vector256<float> x) =>
        Vector256<float>.One / (Vector256<float>.One + VectorMath.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Sigmoid(Vector512<float> x) =>
        Vector512<float>.One / (Vector512<float>.One + VectorMath.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Tanh(Vector512<float> x)
    {
        var e = VectorMath.Exp(Vector512.Create(-2f) * Vector512.Abs(x));
        var t = (Vector512<float>.One - e) / (Vector512<float>.One + e);
        var sign = x & Vector512.Create(-0f);
        return t | sign;
    }

    // e^-2|x| never overflows, so large |x| gives exactly +-1 and NaN stays NaN.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Tanh(Vector256<float> x)
    {
        var e = VectorMath.Exp(Vector256.Create(-2f) * Vector256.Abs(x));
        var t = (Vector256<float>.One - e) / (Vector256<float>.One + e);
        var sign = x & Vector256.Create(-0f);
        return t | sign;
    }
}
