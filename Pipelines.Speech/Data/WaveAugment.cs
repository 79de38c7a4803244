using System.Numerics.Tensors;
using Rnn.Core;

namespace Pipelines.Speech.Data;

/// <summary>
/// Waveform augmentation that imitates other microphones, rooms and channels: random peaking EQ,
/// high-pass and low-pass (band limiting), reverberation with a synthetic room response, and
/// additive noise at a random signal-to-noise ratio, and (off by default) a noise gate that sets
/// quiet stretches to exact zeros, as some recorders do. Each step happens with its own probability;
/// all draws come from the caller's <see cref="Rng"/>, so a seeded run repeats exactly.
/// </summary>
/// <example>
/// <code>
/// float[] noisy = new WaveAugment().Apply(samples, 8000, new Rng(3));
/// </code>
/// </example>
public sealed record WaveAugment
{
    /// <summary>Chance of 1-2 peaking EQ bands of +-<see cref="MaxEqDb"/> dB.</summary>
    public double EqProbability { get; init; } = 0.5;

    /// <summary>Largest boost or cut of a peaking band, in dB.</summary>
    public double MaxEqDb { get; init; } = 8;

    /// <summary>Chance of a high-pass at 60-400 Hz (small microphones, telephone lines).</summary>
    public double HighPassProbability { get; init; } = 0.4;

    /// <summary>Chance of a low-pass (band limiting).</summary>
    public double LowPassProbability { get; init; } = 0.4;

    /// <summary>Lowest low-pass cutoff in Hz (the highest is 95% of the Nyquist rate).</summary>
    public double MinLowPassHz { get; init; } = 1800;

    /// <summary>Chance of reverberation.</summary>
    public double ReverbProbability { get; init; } = 0.3;

    /// <summary>Longest reverberation time (RT60) in seconds; the shortest is 0.1 s.</summary>
    public double MaxRt60Seconds { get; init; } = 0.5;

    /// <summary>Chance of additive noise.</summary>
    public double NoiseProbability { get; init; } = 0.6;

    /// <summary>Lowest signal-to-noise ratio in dB (the highest is 40 dB).</summary>
    public double MinSnrDb { get; init; } = 8;

    /// <summary>
    /// Chance of a noise gate, the last step: every 10 ms block whose RMS lies more than a threshold
    /// drawn from [<see cref="MinGateDb"/>, <see cref="MaxGateDb"/>] dB below the signal's peak
    /// becomes exact zeros (weak onsets and endings of words vanish with the silence). 0, the
    /// default, draws nothing, so recipes without it repeat exactly.
    /// </summary>
    public double GateProbability { get; init; }

    /// <summary>Gate threshold nearest the peak, in dB below it (gates the most).</summary>
    public double MinGateDb { get; init; } = 25;

    /// <summary>Gate threshold farthest from the peak, in dB below it (gates the least).</summary>
    public double MaxGateDb { get; init; } = 45;

    /// <summary>A filtered, reverberated and noisy copy of <paramref name="samples"/>, clipped to [-1, 1].</summary>
    public float[] Apply(float[] samples, int sampleRate, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var result = (float[])samples.Clone();
        double nyquist = sampleRate / 2.0;
        if (rng.NextDouble() < EqProbability)
        {
            for (int bands = 1 + rng.NextInt(2); bands > 0; bands--)
            {
                double centre = 150 * Math.Pow(0.8 * nyquist / 150, rng.NextDouble());   // log-uniform
                Biquad.Peaking(centre, 0.7 + 1.5 * rng.NextDouble(), MaxEqDb * (2 * rng.NextDouble() - 1),
                    sampleRate).Apply(result);
            }
        }

        if (rng.NextDouble() < HighPassProbability)
        {
            Biquad.HighPass(60 + 340 * rng.NextDouble(), 0.707, sampleRate).Apply(result);
        }

        if (rng.NextDouble() < LowPassProbability && MinLowPassHz < 0.95 * nyquist)
        {
            double cutoff = MinLowPassHz + rng.NextDouble() * (0.95 * nyquist - MinLowPassHz);
            Biquad.LowPass(cutoff, 0.707, sampleRate).Apply(result);
        }

        if (rng.NextDouble() < ReverbProbability)
        {
            result = Reverberate(result, sampleRate, 0.1 + rng.NextDouble() * (MaxRt60Seconds - 0.1), rng);
        }

        if (rng.NextDouble() < NoiseProbability)
        {
            AddNoise(result, MinSnrDb + rng.NextDouble() * (40 - MinSnrDb), rng);
        }

        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Math.Clamp(result[i], -1f, 1f);
        }

        if (GateProbability > 0 && rng.NextDouble() < GateProbability)
        {
            Gate(result, sampleRate / 100, MinGateDb + rng.NextDouble() * (MaxGateDb - MinGateDb));
        }

        return result;
    }

    // A synthetic room: the direct sound, then Gaussian noise decaying by 60 dB over rt60
    // (the exponential-decay model of late reverberation), cut at 0.3 s to bound the cost.
    // Convolved directly: each output sample is one SIMD dot product with the reversed response.
    private static float[] Reverberate(float[] x, int sampleRate, double rt60, Rng rng)
    {
        int taps = Math.Max(2, (int)(Math.Min(rt60, 0.3) * sampleRate));
        var reversed = new float[taps];              // reversed[taps - 1 - k] = h[k]
        double decay = Math.Log(1000) / (rt60 * sampleRate);   // amplitude falls 1000x (60 dB) at rt60
        double wet = 0.2 + 0.5 * rng.NextDouble();
        for (int k = 1; k < taps; k++)
        {
            reversed[taps - 1 - k] = (float)(wet * 0.1 * rng.Normal() * Math.Exp(-decay * k));
        }

        reversed[taps - 1] = 1f;
        var padded = new float[x.Length + taps - 1];
        x.CopyTo(padded, taps - 1);
        var y = new float[x.Length];
        float peakIn = TensorPrimitives.MaxMagnitude(x), peakOut = 0;
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = TensorPrimitives.Dot(padded.AsSpan(i, taps), reversed);
            peakOut = Math.Max(peakOut, Math.Abs(y[i]));
        }

        // Keep the level of the dry signal, so reverberation is not also a gain change.
        if (peakOut > 0 && peakIn > 0)
        {
            TensorPrimitives.Multiply(y, peakIn / peakOut, y);
        }

        return y;
    }

    // Zeroes each block of `block` samples whose RMS is more than `belowPeakDb` under the peak.
    private static void Gate(float[] x, int block, double belowPeakDb)
    {
        float peak = x.Length == 0 ? 0 : TensorPrimitives.MaxMagnitude(x);
        double threshold = peak * Math.Pow(10, -belowPeakDb / 20);
        for (int start = 0; start < x.Length; start += block)
        {
            Span<float> span = x.AsSpan(start, Math.Min(block, x.Length - start));
            if (Math.Sqrt(TensorPrimitives.SumOfSquares(span) / span.Length) < threshold) span.Clear();
        }
    }

    // White or low-passed ("pink-ish") Gaussian noise scaled to the wanted SNR over the whole signal.
    private static void AddNoise(float[] x, double snrDb, Rng rng)
    {
        double power = x.Length == 0 ? 0 : TensorPrimitives.SumOfSquares(x) / x.Length;
        if (power <= 0)
        {
            return;
        }

        var noise = new float[x.Length];
        double smooth = rng.NextDouble() < 0.5 ? 0 : 0.5 + 0.45 * rng.NextDouble();
        double previous = 0;
        for (int i = 0; i < noise.Length; i++)
        {
            previous = smooth * previous + (1 - smooth) * rng.Normal();
            noise[i] = (float)previous;
        }

        double noisePower = TensorPrimitives.SumOfSquares(noise) / noise.Length;
        float scale = (float)Math.Sqrt(power / noisePower / Math.Pow(10, snrDb / 10));
        TensorPrimitives.MultiplyAdd(noise, scale, x, x);
    }
}
