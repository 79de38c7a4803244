namespace Pipelines.Speech.Data;

/// <summary>
/// A second-order IIR section (direct form I) with the coefficient formulas of R. Bristow-Johnson's
/// "Cookbook formulae for audio EQ biquad filter coefficients": low-pass, high-pass and peaking EQ.
/// Used by <see cref="WaveAugment"/> to imitate other microphones and channels.
/// </summary>
public sealed class Biquad
{
    private readonly double b0, b1, b2, a1, a2;

    private Biquad(double b0, double b1, double b2, double a0, double a1, double a2)
    {
        this.b0 = b0 / a0;
        this.b1 = b1 / a0;
        this.b2 = b2 / a0;
        this.a1 = a1 / a0;
        this.a2 = a2 / a0;
    }

    /// <summary>Second-order low-pass at <paramref name="cutoff"/> Hz with quality <paramref name="q"/>.</summary>
    public static Biquad LowPass(double cutoff, double q, int sampleRate)
    {
        var (cos, alpha) = Angles(cutoff, q, sampleRate);
        return new Biquad((1 - cos) / 2, 1 - cos, (1 - cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
    }

    /// <summary>Second-order high-pass at <paramref name="cutoff"/> Hz with quality <paramref name="q"/>.</summary>
    public static Biquad HighPass(double cutoff, double q, int sampleRate)
    {
        var (cos, alpha) = Angles(cutoff, q, sampleRate);
        return new Biquad((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
    }

    /// <summary>
    /// Peaking EQ: <paramref name="gainDb"/> at <paramref name="centre"/> Hz, width set by <paramref name="q"/>.
    /// </summary>
    public static Biquad Peaking(double centre, double q, double gainDb, int sampleRate)
    {
        var (cos, alpha) = Angles(centre, q, sampleRate);
        double a = Math.Pow(10, gainDb / 40);
        return new Biquad(1 + alpha * a, -2 * cos, 1 - alpha * a, 1 + alpha / a, -2 * cos, 1 - alpha / a);
    }

    /// <summary>Filters <paramref name="samples"/> in place (state starts at zero).</summary>
    public void Apply(Span<float> samples)
    {
        double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            double x = samples[i];
            double y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
            x2 = x1;
            x1 = x;
            y2 = y1;
            y1 = y;
            samples[i] = (float)y;
        }
    }

    private static (double Cos, double Alpha) Angles(double frequency, double q, int sampleRate)
    {
        if (!(frequency > 0 && frequency < sampleRate / 2.0) || !(q > 0))
        {
            throw new ArgumentOutOfRangeException(
                nameof(frequency), $"need 0 < frequency < {sampleRate / 2.0} Hz and q > 0; got {frequency} Hz, q {q}");
        }

        double w = 2 * Math.PI * frequency / sampleRate;
        return (Math.Cos(w), Math.Sin(w) / (2 * q));
    }
}
