namespace Pipelines.Speech.Decoding;

/// <summary>Sums of probabilities kept as logarithms.</summary>
internal static class LogMath
{
    /// <summary>log(exp(a) + exp(b)) without overflow; -inf stands for probability 0.</summary>
    public static double Add(double a, double b)
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
