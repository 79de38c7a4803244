using Rnn.Core.Nn;

namespace Rnn.Core.Tests.Onnx;

/// <summary>
/// Modules holding only the parameters of the cell contract ("weight_ih", "weight_hh", "bias" or
/// "bias_ih"/"bias_hh"), with random values, plus a plain reference forward pass written from the
/// contract's equations. They test the ONNX layout without depending on the real cells.
/// </summary>
internal sealed class ContractCell : Module
{
    private ContractCell(bool lstm, int input, int hidden, ulong seed)
    {
        int gates = lstm ? 4 : 3;
        var rng = new Rng(seed);
        Lstm = lstm;
        Input = input;
        Hidden = hidden;
        AddParameter("weight_ih", rng.Uniform(Backends.Default, -0.6f, 0.6f, gates * hidden, input));
        AddParameter("weight_hh", rng.Uniform(Backends.Default, -0.6f, 0.6f, gates * hidden, hidden));
        if (lstm)
        {
            AddParameter("bias", rng.Uniform(Backends.Default, -0.5f, 0.5f, gates * hidden));
        }
        else
        {
            AddParameter("bias_ih", rng.Uniform(Backends.Default, -0.5f, 0.5f, gates * hidden));
            AddParameter("bias_hh", rng.Uniform(Backends.Default, -0.5f, 0.5f, gates * hidden));
        }
    }

    public bool Lstm { get; }

    public int Input { get; }

    public int Hidden { get; }

    public static ContractCell NewLstm(int input, int hidden, ulong seed) => new(true, input, hidden, seed);

    public static ContractCell NewGru(int input, int hidden, ulong seed) => new(false, input, hidden, seed);

    public float[] Get(string name) => NamedParameters().Single(p => p.Path == name).Parameter.Value.ToArray();

    /// <summary>
    /// Runs the cell over x [time, batch, in] (ONNX time-major) from states h0/c0 [batch, H], backwards
    /// when <paramref name="reverse"/>; returns per-step outputs [time, batch, H] (aligned with input
    /// time) and the final h and c. Double precision, so it is the more exact side of a comparison.
    /// </summary>
    public (double[] Y, double[] H, double[] C) Run(
        float[] x, int time, int batch, bool reverse, bool resetAfter, float[]? h0 = null, float[]? c0 = null)
    {
        int hid = Hidden;
        var h = h0?.Select(v => (double)v).ToArray() ?? new double[batch * hid];
        var c = c0?.Select(v => (double)v).ToArray() ?? new double[batch * hid];
        var y = new double[time * batch * hid];
        for (int s = 0; s < time; s++)
        {
            int t = reverse ? time - 1 - s : s;
            for (int n = 0; n < batch; n++)
            {
                var xs = x.AsSpan((t * batch + n) * Input, Input);
                var (hn, cn) = Lstm
                    ? LstmStep(xs, h.AsSpan(n * hid, hid), c.AsSpan(n * hid, hid))
                    : (GruStep(xs, h.AsSpan(n * hid, hid), resetAfter), Array.Empty<double>());
                hn.CopyTo(h, n * hid);
                cn.CopyTo(c, n * hid);
                hn.CopyTo(y, (t * batch + n) * hid);
            }
        }

        return (y, h, c);
    }

    // Contract: gates i, f, g, o; c' = f*c + i*g; h' = o*tanh(c').
    private (double[] H, double[] C) LstmStep(ReadOnlySpan<float> x, ReadOnlySpan<double> h, ReadOnlySpan<double> c)
    {
        var pre = Affine(Get("weight_ih"), x, Get("weight_hh"), h, Get("bias"), null, 4);
        int hid = Hidden;
        var hn = new double[hid];
        var cn = new double[hid];
        for (int j = 0; j < hid; j++)
        {
            double i = Sig(pre[j]), f = Sig(pre[hid + j]), g = Math.Tanh(pre[2 * hid + j]), o = Sig(pre[3 * hid + j]);
            cn[j] = f * c[j] + i * g;
            hn[j] = o * Math.Tanh(cn[j]);
        }

        return (hn, cn);
    }

    // Contract: gates z, r, n; resetAfter: n = tanh(x Wn + bn_i + r * (h Un + bn_h)), else
    // n = tanh(x Wn + bn_i + (r * h) Un + bn_h); h' = z * h + (1 - z) * n.
    private double[] GruStep(ReadOnlySpan<float> x, ReadOnlySpan<double> h, bool resetAfter)
    {
        int hid = Hidden;
        float[] wih = Get("weight_ih"), whh = Get("weight_hh"), bih = Get("bias_ih"), bhh = Get("bias_hh");
        var xi = Affine(wih, x, null, default, bih, null, 3);                  // x W^T + b_i, [3H]
        var hh = Affine(null, default, whh, h, null, bhh, 3);                  // h U^T + b_h, [3H]
        var hn = new double[hid];
        var rh = new double[hid];
        var z = new double[hid];
        var r = new double[hid];
        for (int j = 0; j < hid; j++)
        {
            z[j] = Sig(xi[j] + hh[j]);
            r[j] = Sig(xi[hid + j] + hh[hid + j]);
            rh[j] = r[j] * h[j];
        }

        for (int j = 0; j < hid; j++)
        {
            double recurrent;
            if (resetAfter)
            {
                recurrent = r[j] * hh[2 * hid + j];
            }
            else
            {
                recurrent = bhh[2 * hid + j];
                for (int k = 0; k < hid; k++)
                {
                    recurrent += rh[k] * whh[(2 * hid + j) * hid + k];
                }
            }

            double n = Math.Tanh(xi[2 * hid + j] + recurrent);
            hn[j] = z[j] * h[j] + (1 - z[j]) * n;
        }

        return hn;
    }

    private double[] Affine(float[]? wx, ReadOnlySpan<float> x, float[]? wh, ReadOnlySpan<double> h,
        float[]? b1, float[]? b2, int gates)
    {
        var result = new double[gates * Hidden];
        for (int row = 0; row < result.Length; row++)
        {
            double sum = (b1?[row] ?? 0) + (b2?[row] ?? 0);
            for (int k = 0; wx is not null && k < Input; k++)
            {
                sum += wx[row * Input + k] * (double)x[k];
            }

            for (int k = 0; wh is not null && k < Hidden; k++)
            {
                sum += wh[row * Hidden + k] * h[k];
            }

            result[row] = sum;
        }

        return result;
    }

    private static double Sig(double v) => 1 / (1 + Math.Exp(-v));
}
