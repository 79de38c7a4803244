using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Core.Cpu;

/// <summary>
/// The LSTM forward gate math of one batch row, 16 units at a time in 512-bit vectors in a single
/// pass where the backend runs AVX-512, then 8 at a time in 256-bit ones in one pass an
/// activation (see Forward): i, f, o = sigmoid, g = tanh, c = f*cPrev + i*g, h = o*tanh(c),
/// activated gates written back for the backward pass. The TensorPrimitives version took eight
/// passes over the same blocks with a call for each. sigmoid(x) =
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

        // Eight at a time in passes over the row (in L1): one loop holding all five activations'
        // temporaries and constants outgrew the 16 ymm registers, and the JIT kept them on the
        // stack. Passes with one activation each keep the constants in registers: a batch-64 row
        // set of 512 units took 0.156 ms against 0.184 ms on one Zen 3 core (0.265 ms before
        // the activations were stored as they were made).
        int end = u + (w - u) / 8 * 8;
        SigmoidPass(u, end, ref ri);
        SigmoidPass(u, end, ref rf);
        SigmoidPass(u, end, ref ro);
        TanhPass(u, end, ref rg);
        CellPass(u, end, ref ri, ref rf, ref rg, ref ro, ref rp, ref rc, ref rh);
        u = end;

        for (; u < w; u++)
        {
            float si = Sigmoid(i[u]), sf = Sigmoid(f[u]), tg = MathF.Tanh(g[u]), so = Sigmoid(o[u]);
            (i[u], f[u], g[u], o[u]) = (si, sf, tg, so);
            c[u] = sf * cPrev[u] + si * tg;
            h[u] = so * MathF.Tanh(c[u]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SigmoidPass(int u, int end, ref float x)
    {
        for (; u < end; u += 8)
        {
            Sigmoid(Vector256.LoadUnsafe(ref x, (nuint)u)).StoreUnsafe(ref x, (nuint)u);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TanhPass(int u, int end, ref float x)
    {
        for (; u < end; u += 8)
        {
            Tanh(Vector256.LoadUnsafe(ref x, (nuint)u)).StoreUnsafe(ref x, (nuint)u);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CellPass(int u, int end, ref float ri, ref float rf, ref float rg, ref float ro,
        ref float rp, ref float rc, ref float rh)
    {
        for (; u < end; u += 8)
        {
            nuint k = (nuint)u;
            var vc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref rf, k), Vector256.LoadUnsafe(ref rp, k),
                Vector256.LoadUnsafe(ref ri, k) * Vector256.LoadUnsafe(ref rg, k));
            vc.StoreUnsafe(ref rc, k);
            (Vector256.LoadUnsafe(ref ro, k) * Tanh(vc)).StoreUnsafe(ref rh, k);
        }
    }

    /// <summary>
    /// The LSTM backward gate math of one batch row in one pass, from the activated gates i, f,
    /// g, o, the cell c and cPrev, dh and dc (dL/dc_t in, dL/dc_{t-1} out):
    /// dc_total = dc + dh o (1 - tanh(c)^2); dO = dh tanh(c) o (1 - o); dI = dc_total g i (1 - i);
    /// dF = dc_total cPrev f (1 - f); dG = dc_total i (1 - g^2); dc = dc_total f.
    /// The TensorPrimitives version took 21 passes over the row (a batch-64 step of 512 units:
    /// 139 us on one core).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(
        ReadOnlySpan<float> i, ReadOnlySpan<float> f, ReadOnlySpan<float> g, ReadOnlySpan<float> o,
        ReadOnlySpan<float> c, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> dh, Span<float> dc,
        Span<float> di, Span<float> df, Span<float> dg, Span<float> dout, bool wide = false)
    {
        int w = i.Length;
        ref float ri = ref MemoryMarshal.GetReference(i);
        ref float rf = ref MemoryMarshal.GetReference(f);
        ref float rg = ref MemoryMarshal.GetReference(g);
        ref float ro = ref MemoryMarshal.GetReference(o);
        ref float rc = ref MemoryMarshal.GetReference(c);
        ref float rp = ref MemoryMarshal.GetReference(cPrev);
        ref float rdh = ref MemoryMarshal.GetReference(dh);
        ref float rdc = ref MemoryMarshal.GetReference(dc);
        ref float rdi = ref MemoryMarshal.GetReference(di);
        ref float rdf = ref MemoryMarshal.GetReference(df);
        ref float rdg = ref MemoryMarshal.GetReference(dg);
        ref float rdo = ref MemoryMarshal.GetReference(dout);
        int u = 0;
        for (; wide && u + 16 <= w; u += 16)
        {
            nuint k = (nuint)u;
            var one = Vector512<float>.One;
            var vi = Vector512.LoadUnsafe(ref ri, k);
            var vf = Vector512.LoadUnsafe(ref rf, k);
            var vg = Vector512.LoadUnsafe(ref rg, k);
            var vo = Vector512.LoadUnsafe(ref ro, k);
            var vdh = Vector512.LoadUnsafe(ref rdh, k);
            var tc = Tanh(Vector512.LoadUnsafe(ref rc, k));
            var total = (one - tc * tc) * vo * vdh + Vector512.LoadUnsafe(ref rdc, k);
            (vdh * tc * (vo - vo * vo)).StoreUnsafe(ref rdo, k);
            (total * vg * (vi - vi * vi)).StoreUnsafe(ref rdi, k);
            (total * Vector512.LoadUnsafe(ref rp, k) * (vf - vf * vf)).StoreUnsafe(ref rdf, k);
            (total * vi * (one - vg * vg)).StoreUnsafe(ref rdg, k);
            (total * vf).StoreUnsafe(ref rdc, k);
        }

        for (; u + 8 <= w; u += 8)
        {
            nuint k = (nuint)u;
            var one = Vector256<float>.One;
            var vi = Vector256.LoadUnsafe(ref ri, k);
            var vf = Vector256.LoadUnsafe(ref rf, k);
            var vg = Vector256.LoadUnsafe(ref rg, k);
            var vo = Vector256.LoadUnsafe(ref ro, k);
            var vdh = Vector256.LoadUnsafe(ref rdh, k);
            var tc = Tanh(Vector256.LoadUnsafe(ref rc, k));
            var total = (one - tc * tc) * vo * vdh + Vector256.LoadUnsafe(ref rdc, k);
            (vdh * tc * (vo - vo * vo)).StoreUnsafe(ref rdo, k);
            (total * vg * (vi - vi * vi)).StoreUnsafe(ref rdi, k);
            (total * Vector256.LoadUnsafe(ref rp, k) * (vf - vf * vf)).StoreUnsafe(ref rdf, k);
            (total * vi * (one - vg * vg)).StoreUnsafe(ref rdg, k);
            (total * vf).StoreUnsafe(ref rdc, k);
        }

        for (; u < w; u++)
        {
            float tc = MathF.Tanh(c[u]);
            float total = (1f - tc * tc) * o[u] * dh[u] + dc[u];
            dout[u] = dh[u] * tc * (o[u] - o[u] * o[u]);
            di[u] = total * g[u] * (i[u] - i[u] * i[u]);
            df[u] = total * cPrev[u] * (f[u] - f[u] * f[u]);
            dg[u] = total * i[u] * (1f - g[u] * g[u]);
            dc[u] = total * f[u];
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
