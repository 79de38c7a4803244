namespace Pipelines.Speech.Tests.Support;

/// <summary>Test signals and the measurements the tests make on them.</summary>
internal static class Signals
{
    public static float[] Sine(double hz, int rate, double seconds, double amplitude = 0.5, double phase = 0)
    {
        var x = new float[(int)Math.Round(rate * seconds)];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(amplitude * Math.Sin(2 * Math.PI * hz * i / rate + phase));
        return x;
    }

    /// <summary>Gaussian noise with the given RMS, from a fixed seed.</summary>
    public static float[] Noise(int count, double rms, int seed)
    {
        var rng = new Random(seed);
        var x = new float[count];
        for (int i = 0; i < count; i++)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            x[i] = (float)(rms * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return x;
    }

    public static double Rms(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float v in x) sum += (double)v * v;
        return Math.Sqrt(sum / Math.Max(1, x.Length));
    }

    /// <summary>Amplitude of the component at <paramref name="hz"/> (single-bin DFT, Hann
    /// window, scaled so a sine of amplitude A reads A).</summary>
    public static double ToneAmplitude(ReadOnlySpan<float> x, double hz, int rate)
    {
        double re = 0, im = 0, wsum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double w = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / (x.Length - 1));
            double a = 2 * Math.PI * hz * i / rate;
            re += w * x[i] * Math.Cos(a);
            im -= w * x[i] * Math.Sin(a);
            wsum += w;
        }
        return 2 * Math.Sqrt(re * re + im * im) / wsum;
    }

    /// <summary>The frequency in [lo, hi] with the largest <see cref="ToneAmplitude"/>, by a
    /// 1 Hz search.</summary>
    public static double PeakFrequency(ReadOnlySpan<float> x, int rate, double lo, double hi)
    {
        double best = lo, bestAmp = -1;
        for (double f = lo; f <= hi; f += 1)
        {
            double a = ToneAmplitude(x, f, rate);
            if (a > bestAmp) (best, bestAmp) = (f, a);
        }
        return best;
    }
}
