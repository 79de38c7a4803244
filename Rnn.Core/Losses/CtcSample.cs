using System.Buffers;

namespace Rnn.Core.Losses;

/// <summary>
/// The CTC forward-backward recursions for one sample, in log space (Graves et al. 2006, eqs.
/// 6-16). The target l of length L is extended with blanks to l' of length S = 2L + 1;
/// alpha[t, s] is the log probability of the prefixes of paths that are in state s at frame t,
/// beta[t, s] of the suffixes from state s at frame t, both including frame t's emission.
/// </summary>
internal static class CtcSample
{
    /// <summary>
    /// Returns -log p(target | input); when grad is non-null also writes this sample's gradient
    /// w.r.t. its logits: softmax - (1/p) sum over s with l'_s = k of alpha beta / y (eq. 16).
    /// </summary>
    public static double Run(CtcProblem pr, float[] lp, int b, float[]? grad)
    {
        int frames = pr.InputLengths[b];
        int length = pr.TargetLengths[b];
        int states = 2 * length + 1;
        if (frames == 0)
        {
            return length == 0 ? 0 : double.PositiveInfinity;
        }

        var ext = new int[states];
        for (int s = 0; s < states; s++)
        {
            ext[s] = s % 2 == 0 ? pr.Blank : pr.Targets[pr.TargetStarts[b] + s / 2];
        }

        int baseRow = b * pr.Time;
        var alpha = ArrayPool<double>.Shared.Rent(frames * states);
        try
        {
            Forward(pr, lp, baseRow, ext, frames, alpha);
            int last = (frames - 1) * states;
            double logP = states > 1 ? LogAdd(alpha[last + states - 1], alpha[last + states - 2]) : alpha[last];
            if (grad is not null)
            {
                Gradient(pr, lp, baseRow, ext, frames, alpha, logP, grad);
            }

            return -logP;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(alpha);
        }
    }

    private static double Lp(CtcProblem pr, float[] lp, int row, int k) => lp[row * pr.Classes + k];

    // A skip from s-2 to s is allowed when l'_s is a label different from l'_{s-2}: that is
    // how repeated labels keep a blank between them.
    private static bool CanSkip(int[] ext, int s, int blank) => s >= 2 && ext[s] != blank && ext[s] != ext[s - 2];

    private static void Forward(CtcProblem pr, float[] lp, int baseRow, int[] ext, int frames, double[] alpha)
    {
        int states = ext.Length;
        alpha.AsSpan(0, frames * states).Fill(double.NegativeInfinity);
        alpha[0] = Lp(pr, lp, baseRow, ext[0]);
        if (states > 1)
        {
            alpha[1] = Lp(pr, lp, baseRow, ext[1]);
        }

        for (int t = 1; t < frames; t++)
        {
            int prev = (t - 1) * states, cur = t * states;
            for (int s = 0; s < states; s++)
            {
                double a = alpha[prev + s];
                if (s >= 1)
                {
                    a = LogAdd(a, alpha[prev + s - 1]);
                }

                if (CanSkip(ext, s, pr.Blank))
                {
                    a = LogAdd(a, alpha[prev + s - 2]);
                }

                alpha[cur + s] = a + Lp(pr, lp, baseRow + t, ext[s]);
            }
        }
    }

    private static void Gradient(
        CtcProblem pr, float[] lp, int baseRow, int[] ext, int frames, double[] alpha, double logP, float[] grad)
    {
        int states = ext.Length;
        int classes = pr.Classes;
        var beta = new double[states];
        var next = new double[states];
        var occupancy = new double[classes];   // log sum over s with l'_s = k of alpha + beta, one frame
        for (int t = frames - 1; t >= 0; t--)
        {
            Array.Fill(beta, double.NegativeInfinity);
            int row = baseRow + t;
            for (int s = 0; s < states; s++)
            {
                double v;
                if (t == frames - 1)
                {
                    v = s >= states - 2 ? 0 : double.NegativeInfinity;
                }
                else
                {
                    v = next[s];
                    if (s + 1 < states)
                    {
                        v = LogAdd(v, next[s + 1]);
                    }

                    if (s + 2 < states && CanSkip(ext, s + 2, pr.Blank))
                    {
                        v = LogAdd(v, next[s + 2]);
                    }
                }

                beta[s] = v + Lp(pr, lp, row, ext[s]);
            }

            Array.Fill(occupancy, double.NegativeInfinity);
            for (int s = 0; s < states; s++)
            {
                occupancy[ext[s]] = LogAdd(occupancy[ext[s]], alpha[t * states + s] + beta[s]);
            }

            // alpha and beta both include y_t(k), so one of them is divided out.
            for (int k = 0; k < classes; k++)
            {
                double logY = Lp(pr, lp, row, k);
                double posterior = Math.Exp(occupancy[k] - logY - logP);
                grad[row * classes + k] = (float)(Math.Exp(logY) - posterior);
            }

            (beta, next) = (next, beta);
        }
    }

    /// <summary>log(e^a + e^b) without overflow; -inf is the identity.</summary>
    public static double LogAdd(double a, double b)
    {
        if (double.IsNegativeInfinity(a))
        {
            return b;
        }

        if (double.IsNegativeInfinity(b))
        {
            return a;
        }

        double max = Math.Max(a, b);
        return max + Math.Log(1 + Math.Exp(-Math.Abs(a - b)));
    }
}
