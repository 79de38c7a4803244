using Rnn.Core.Autograd;

namespace Rnn.Core.Losses;

/// <summary>
/// Plumbing shared by the hand-differentiated losses: they compute on host copies, then record
/// one backward function that scales a host gradient by the upstream gradient.
/// </summary>
internal static class LossHelpers
{
    /// <summary>The reduced output tensor of per-item host values (scalar for Mean/Sum, [n] for None).</summary>
    public static Tensor Output(IBackend be, double[] values, Reduction reduction, double meanDivisor)
    {
        if (reduction == Reduction.None)
        {
            return be.FromArray(values.Select(v => (float)v).ToArray(), new[] { values.Length });   // [n]
        }

        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        double result = reduction == Reduction.Sum ? sum : meanDivisor > 0 ? sum / meanDivisor : 0;
        return be.FromArray(new[] { (float)result }, Array.Empty<int>());   // scalar
    }

    /// <summary>
    /// Per-item weights of d(output)/d(item loss) times the upstream gradient: dy for Sum,
    /// dy / divisor for Mean, dy[i] for None.
    /// </summary>
    public static float[] UpstreamWeights(Tensor output, int count, Reduction reduction, double meanDivisor)
    {
        var dy = output.Grad!.ToArray();
        var w = new float[count];
        for (int i = 0; i < count; i++)
        {
            w[i] = reduction switch
            {
                Reduction.None => dy[i],
                Reduction.Sum => dy[0],
                _ => meanDivisor > 0 ? (float)(dy[0] / meanDivisor) : 0f,
            };
        }

        return w;
    }

    /// <summary>Adds a host gradient into x.Grad.</summary>
    public static void AccumulateGrad(Tensor x, float[] grad)
    {
        var be = x.Backend;
        be.Axpy(1f, be.FromArray(grad, x.Shape), x.EnsureGrad());
    }

    /// <summary>Records the backward of a loss whose input gradient comes from <paramref name="gradient"/>.</summary>
    public static void Record(Tensor output, Tensor input, Func<float[]> gradient)
    {
        if (!Tape.IsTracking(input))
        {
            return;
        }

        Tape.Record(output, () =>
        {
            if (output.Grad is not null)
            {
                AccumulateGrad(input, gradient());
            }
        });
    }

    public static void CheckSameShape(Tensor a, Tensor b, string loss)
    {
        if (!Shape.SameAs(a.Shape, b.Shape))
        {
            throw new ArgumentException(
                $"{loss}: input {a.Describe()} and target {b.Describe()} must have the same shape");
        }
    }
}
