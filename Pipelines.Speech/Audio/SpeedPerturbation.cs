using NAudio.Wave;

namespace Pipelines.Speech.Audio;

/// <summary>
/// Speed perturbation: plays a recording faster or slower, so tempo and pitch move together
/// (speed 1.1 is 10% shorter and 10% higher), the way a tape played at another speed sounds.
/// The samples are relabelled as recorded at <c>rate x speed</c> and brought back to
/// <c>rate</c> by the project's band-limited sinc resampler, so speeding up does not fold
/// content above the Nyquist rate back into the band.
/// </summary>
/// <example>
/// <code>
/// float[] faster = SpeedPerturbation.Apply(samples, 16000, 1.1);   // ~samples.Length / 1.1
/// </code>
/// </example>
public static class SpeedPerturbation
{
    /// <summary>Slowest speed accepted.</summary>
    public const double MinSpeed = 0.5;

    /// <summary>Fastest speed accepted.</summary>
    public const double MaxSpeed = 2.0;

    /// <summary>
    /// <paramref name="samples"/> (mono, at <paramref name="sampleRate"/> Hz) played
    /// <paramref name="speed"/> times as fast, still at <paramref name="sampleRate"/> Hz.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A non-positive rate or a speed outside
    /// [<see cref="MinSpeed"/>, <see cref="MaxSpeed"/>].</exception>
    public static float[] Apply(float[] samples, int sampleRate, double speed)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        if (!(speed >= MinSpeed && speed <= MaxSpeed))
        {
            throw new ArgumentOutOfRangeException(nameof(speed), speed,
                $"speed must be in [{MinSpeed}, {MaxSpeed}]; got {speed}");
        }

        int sourceRate = (int)Math.Round(sampleRate * speed);
        if (sourceRate == sampleRate || samples.Length == 0)
        {
            return (float[])samples.Clone();
        }

        var resampler = new SincResamplingSampleProvider(new ArraySource(samples, sourceRate), sampleRate);
        var result = new List<float>((int)(samples.Length / speed) + 64);
        var buffer = new float[4096];
        for (int got; (got = resampler.Read(buffer)) > 0;)
        {
            result.AddRange(buffer.AsSpan(0, got));
        }

        return [.. result];
    }

    // The whole signal as a mono stream at the rate it is declared to have.
    private sealed class ArraySource(float[] samples, int rate) : ISampleProvider
    {
        private int position;

        public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(rate, 1);

        public int Read(Span<float> buffer)
        {
            int n = Math.Min(buffer.Length, samples.Length - position);
            samples.AsSpan(position, n).CopyTo(buffer);
            position += n;
            return n;
        }
    }
}
