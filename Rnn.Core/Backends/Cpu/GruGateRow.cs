using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Core.Cpu;

/// <summary>
/// The reset-after GRU forward gate math of one batch row (16 units at a time in 512-bit vectors
/// in a single pass on the AVX-512 path, then 8 at a time in one pass an activation, then one):
/// z = sigmoid(x_z + h_z), r = sigmoid(x_r + h_r), n = tanh(x_n + r * h_n),
/// h = n + z * (hPrev - n), with z, r and n written back over x for the backward pass. The same
/// sigmoid and tanh as <see cref="LstmGateRow"/> (on <see cref="VectorMath"/>.Exp), in place of
/// seven TensorPrimitives passes whose exponentials compute in double.
/// </summary>
internal static class GruGateRow
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(
        Span<float> z, Span<float> r, Span<float> n,
        ReadOnlySpan<float> hz, ReadOnlySpan<float> hr, ReadOnlySpan<float> hn,
        ReadOnlySpan<float> hPrev, Span<float> h, bool wide)
    {
        int w = z.Length;
        ref float rz = ref MemoryMarshal.GetReference(z);
        ref float rr = ref MemoryMarshal.GetReference(r);
        ref float rn = ref MemoryMarshal.GetReference(n);
        ref float rhz = ref MemoryMarshal.GetReference(hz);
        ref float rhr = ref MemoryMarshal.GetReference(hr);
        ref float rhn = ref MemoryMarshal.GetReference(hn);
        ref float rp = ref MemoryMarshal.GetReference(hPrev);
        ref float rh = ref MemoryMarshal.GetReference(h);
        int u = 0;
        for (; wide && u + 16 <= w; u += 16)
        {
            nuint k = (nuint)u;
            var vz = LstmGateRow.Sigmoid(Vector512.LoadUnsafe(ref rz, k) + Vector512.LoadUnsafe(ref rhz, k));
            var vr = LstmGateRow.Sigmoid(Vector512.LoadUnsafe(ref rr, k) + Vector512.LoadUnsafe(ref rhr, k));
            var vn = LstmGateRow.Tanh(
                Vector512.FusedMultiplyAdd(vr, Vector512.LoadUnsafe(ref rhn, k), Vector512.LoadUnsafe(ref rn, k)));
            vz.StoreUnsafe(ref rz, k);
            vr.StoreUnsafe(ref rr, k);
            vn.StoreUnsafe(ref rn, k);
            Vector512.FusedMultiplyAdd(vz, Vector512.LoadUnsafe(ref rp, k) - vn, vn).StoreUnsafe(ref rh, k);
        }

        // Eight at a time, one activation a pass (see LstmGateRow.Forward).
        int end = u + (w - u) / 8 * 8;
        SumSigmoidPass(u, end, ref rz, ref rhz);
        SumSigmoidPass(u, end, ref rr, ref rhr);
        CandidatePass(u, end, ref rr, ref rn, ref rhn, ref rz, ref rp, ref rh);
        u = end;

        for (; u < w; u++)
        {
            float sz = 1f / (1f + MathF.Exp(-(z[u] + hz[u])));
            float sr = 1f / (1f + MathF.Exp(-(r[u] + hr[u])));
            float tn = MathF.Tanh(n[u] + sr * hn[u]);
            (z[u], r[u], n[u]) = (sz, sr, tn);
            h[u] = tn + sz * (hPrev[u] - tn);
        }
    }

    // x = sigmoid(x + add).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SumSigmoidPass(int u, int end, ref float x, ref float add)
    {
        for (; u < end; u += 8)
        {
            nuint k = (nuint)u;
            var sum = Vector256.LoadUnsafe(ref x, k) + Vector256.LoadUnsafe(ref add, k);
            LstmGateRow.Sigmoid(sum).StoreUnsafe(ref x, k);
        }
    }

    // n = tanh(n + r * hn), h = n + z * (hPrev - n), with r and z activated.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CandidatePass(int u, int end, ref float rr, ref float rn, ref float rhn, ref float rz,
        ref float rp, ref float rh)
    {
        for (; u < end; u += 8)
        {
            nuint k = (nuint)u;
            var vn = LstmGateRow.Tanh(Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref rr, k),
                Vector256.LoadUnsafe(ref rhn, k), Vector256.LoadUnsafe(ref rn, k)));
            vn.StoreUnsafe(ref rn, k);
            Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref rz, k), Vector256.LoadUnsafe(ref rp, k) - vn, vn)
                .StoreUnsafe(ref rh, k);
        }
    }
}
