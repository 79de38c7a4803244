using ILGPU;

namespace Rnn.Cuda.Kernels;

/// <summary>
/// Fused LSTM/GRU gate kernels, one thread per (batch row, hidden unit): the four (LSTM) or
/// three (GRU) gate values of a unit live at j, H + j, 2H + j, 3H + j of its row, so each thread
/// reads and writes only its own unit. The math is that of CpuBackend.Recurrent.cs. Views are
/// whole storages; RecurrentArgs holds absolute offsets.
/// </summary>
internal static class RecurrentKernels
{
    private static float Sig(float x) => ElementwiseKernels.Sigmoid(x);

    private static bool Padded(ArrayView<float> mask, RecurrentArgs p, int b) =>
        p.HasMask != 0 && mask[p.Mask + b] == 0f;

    public static void LstmForward(
        Index1D t, ArrayView<float> gates, ArrayView<float> cPrev, ArrayView<float> hPrev,
        ArrayView<float> c, ArrayView<float> h, ArrayView<float> mask, RecurrentArgs p)
    {
        int hd = p.Hidden;
        int b = t / hd;
        int j = t - b * hd;
        int g = p.O0 + b * 4 * hd + j;
        int s = b * hd + j;
        if (Padded(mask, p, b))
        {
            c[p.O3 + s] = cPrev[p.O1 + s];
            h[p.O4 + s] = hPrev[p.O2 + s];
            gates[g] = 0f;
            gates[g + hd] = 0f;
            gates[g + 2 * hd] = 0f;
            gates[g + 3 * hd] = 0f;
            return;
        }

        float i = Sig(gates[g]);
        float f = Sig(gates[g + hd]);
        float gc = MathF.Tanh(gates[g + 2 * hd]);
        float o = Sig(gates[g + 3 * hd]);
        gates[g] = i;
        gates[g + hd] = f;
        gates[g + 2 * hd] = gc;
        gates[g + 3 * hd] = o;
        float cn = f * cPrev[p.O1 + s] + i * gc;
        c[p.O3 + s] = cn;
        h[p.O4 + s] = o * MathF.Tanh(cn);
    }

    // Offsets: O0 gates, O1 cPrev, O2 c, O3 dh, O4 dc, O5 dGates, O6 dhPrev.
    public static void LstmBackward(
        Index1D t, ArrayView<float> gates, ArrayView<float> cPrev, ArrayView<float> c, ArrayView<float> dh,
        ArrayView<float> dc, ArrayView<float> dGates, ArrayView<float> dhPrev, ArrayView<float> mask, RecurrentArgs p)
    {
        int hd = p.Hidden;
        int b = t / hd;
        int j = t - b * hd;
        int g = p.O0 + b * 4 * hd + j;
        int dg = p.O5 + b * 4 * hd + j;
        int s = b * hd + j;
        float dhv = dh[p.O3 + s];
        if (Padded(mask, p, b))
        {
            dGates[dg] = 0f;
            dGates[dg + hd] = 0f;
            dGates[dg + 2 * hd] = 0f;
            dGates[dg + 3 * hd] = 0f;
            dhPrev[p.O6 + s] = dhv;
            return;   // dc passes through unchanged
        }

        float i = gates[g];
        float f = gates[g + hd];
        float gc = gates[g + 2 * hd];
        float o = gates[g + 3 * hd];
        float tc = MathF.Tanh(c[p.O2 + s]);

        // dL/dc_t in total = dc + dh * o * (1 - tanh(c)^2)
        float dcTotal = dc[p.O4 + s] + dhv * o * (1f - tc * tc);
        dGates[dg] = dcTotal * gc * i * (1f - i);
        dGates[dg + hd] = dcTotal * cPrev[p.O1 + s] * f * (1f - f);
        dGates[dg + 2 * hd] = dcTotal * i * (1f - gc * gc);
        dGates[dg + 3 * hd] = dhv * tc * o * (1f - o);
        dc[p.O4 + s] = dcTotal * f;
        dhPrev[p.O6 + s] = 0f;
    }

    // Offsets: O0 gi, O1 gh, O2 hPrev, O3 h.
    public static void GruForward(
        Index1D t, ArrayView<float> gi, ArrayView<float> gh, ArrayView<float> hPrev, ArrayView<float> h,
        ArrayView<float> mask, RecurrentArgs p)
    {
        int hd = p.Hidden;
        int b = t / hd;
        int j = t - b * hd;
        int x = p.O0 + b * 3 * hd + j;
        int r = p.O1 + b * 3 * hd + j;
        int s = b * hd + j;
        float hp = hPrev[p.O2 + s];
        if (Padded(mask, p, b))
        {
            h[p.O3 + s] = hp;
            gi[x] = 0f;
            gi[x + hd] = 0f;
            gi[x + 2 * hd] = 0f;
            return;
        }

        float z;
        float n;
        if (p.Flag != 0)
        {
            // reset-after: n = tanh(gi_n + r * gh_n)
            z = Sig(gi[x] + gh[r]);
            float rg = Sig(gi[x + hd] + gh[r + hd]);
            gi[x] = z;
            gi[x + hd] = rg;
            n = MathF.Tanh(gi[x + 2 * hd] + rg * gh[r + 2 * hd]);
        }
        else
        {
            // reset-before: z, r already activated; gh_n = (r*h) W_hn^T + b_hn
            z = gi[x];
            n = MathF.Tanh(gi[x + 2 * hd] + gh[r + 2 * hd]);
        }

        gi[x + 2 * hd] = n;
        h[p.O3 + s] = n + z * (hp - n);
    }

    // Offsets: O0 gi, O1 gh, O2 hPrev, O3 rh.
    public static void GruResetForward(
        Index1D t, ArrayView<float> gi, ArrayView<float> gh, ArrayView<float> hPrev, ArrayView<float> rh,
        ArrayView<float> mask, RecurrentArgs p)
    {
        int hd = p.Hidden;
        int b = t / hd;
        int j = t - b * hd;
        int x = p.O0 + b * 3 * hd + j;
        int r = p.O1 + b * 3 * hd + j;
        int s = b * hd + j;
        if (Padded(mask, p, b))
        {
            rh[p.O3 + s] = 0f;
            return;
        }

        float z = Sig(gi[x] + gh[r]);
        float rg = Sig(gi[x + hd] + gh[r + hd]);
        gi[x] = z;
        gi[x + hd] = rg;
        rh[p.O3 + s] = rg * hPrev[p.O2 + s];
    }

    // Offsets: O0 gi, O1 gh, O2 hPrev, O3 dh, O4 dGi, O5 dGh, O6 dhPrev.
    public static void GruBackward(
        Index1D t, ArrayView<float> gi, ArrayView<float> gh, ArrayView<float> hPrev, ArrayView<float> dh,
        ArrayView<float> dGi, ArrayView<float> dGh, ArrayView<float> dhPrev, ArrayView<float> mask, RecurrentArgs p)
    {
        int hd = p.Hidden;
        int b = t / hd;
        int j = t - b * hd;
        int x = p.O0 + b * 3 * hd + j;
        int dx = p.O4 + b * 3 * hd + j;
        int dr = p.O5 + b * 3 * hd + j;
        int s = b * hd + j;
        float dhv = dh[p.O3 + s];
        if (Padded(mask, p, b))
        {
            for (int k = 0; k < 3; k++)
            {
                dGi[dx + k * hd] = 0f;
                dGh[dr + k * hd] = 0f;
            }

            dhPrev[p.O6 + s] = dhv;
            return;
        }

        float z = gi[x];
        float r = gi[x + hd];
        float n = gi[x + 2 * hd];

        // h = n + z*(hPrev - n): dz = dh*(hPrev - n), dn = dh*(1 - z), dhPrev = dh*z
        float dz = dhv * (hPrev[p.O2 + s] - n) * z * (1f - z);
        float dhp = dhv * z;
        float dn = (dhv - dhp) * (1f - n * n);
        dGi[dx] = dz;
        dGh[dr] = dz;
        dGi[dx + 2 * hd] = dn;
        dhPrev[p.O6 + s] = dhp;
        if (p.Flag != 0)
        {
            // n_pre = gi_n + r * gh_n
            float drr = dn * gh[p.O1 + b * 3 * hd + j + 2 * hd] * r * (1f - r);
            dGh[dr + 2 * hd] = dn * r;
            dGi[dx + hd] = drr;
            dGh[dr + hd] = drr;
        }
        else
        {
            dGh[dr + 2 * hd] = dn;
            dGi[dx + hd] = 0f;
            dGh[dr + hd] = 0f;
        }
    }

    // Offsets: O0 gi, O1 hPrev, O2 dRh, O3 dGi, O4 dGh, O5 dhPrev.
    public static void GruResetBackward(
        Index1D t, ArrayView<float> gi, ArrayView<float> hPrev, ArrayView<float> dRh,
        ArrayView<float> dGi, ArrayView<float> dGh, ArrayView<float> dhPrev, ArrayView<float> mask, RecurrentArgs p)
    {
        int hd = p.Hidden;
        int b = t / hd;
        int j = t - b * hd;
        if (Padded(mask, p, b))
        {
            return;
        }

        int s = b * hd + j;
        float r = gi[p.O0 + b * 3 * hd + hd + j];
        float drh = dRh[p.O2 + s];
        float drr = drh * hPrev[p.O1 + s] * r * (1f - r);
        dGi[p.O3 + b * 3 * hd + hd + j] = drr;
        dGh[p.O4 + b * 3 * hd + hd + j] = drr;
        dhPrev[p.O5 + s] += drh * r;
    }
}

/// <summary>Sizes and absolute offsets of a recurrent gate kernel call (meaning of O0..O6 per kernel).</summary>
internal struct RecurrentArgs
{
    public int Hidden, Flag, HasMask, Mask;
    public int O0, O1, O2, O3, O4, O5, O6;
}
