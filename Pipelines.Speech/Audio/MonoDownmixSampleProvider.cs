using System.Buffers;
using NAudio.Wave;

namespace Pipelines.Speech.Audio;

/// <summary>
/// Downmixes any channel count to mono by the mean of the channels. The mean, not "take
/// channel 0": a stereo file may carry the speech on one channel only, and the mean keeps it
/// (at half amplitude) while never clipping. One exception: where the channels cancel (a
/// polarity-inverted channel, so the mean of each block holds less than
/// <see cref="CancelRatio"/> of the loudest channel's energy), that block takes the loudest
/// channel instead, so anti-phase stereo does not turn into silence.
/// </summary>
internal sealed class MonoDownmixSampleProvider : ISampleProvider
{
    /// <summary>
    /// Energy of the mean below this fraction of the loudest channel's means the channels cancel.
    /// Speech on one of two channels gives 1/4, unrelated channels about 1/2; exact anti-phase 0.
    /// </summary>
    public const double CancelRatio = 0.05;

    private readonly ISampleProvider source;
    private readonly int channels;

    public MonoDownmixSampleProvider(ISampleProvider source)
    {
        this.source = source;
        channels = source.WaveFormat.Channels;
        WaveFormat = WaveFormat.CreateIeeeFloatWaveFormat(source.WaveFormat.SampleRate, 1);
    }

    public WaveFormat WaveFormat { get; }

    public int Read(Span<float> buffer)
    {
        float[] interleaved = ArrayPool<float>.Shared.Rent(Math.Max(1, buffer.Length * channels));
        try
        {
            int got = source.Read(interleaved.AsSpan(0, buffer.Length * channels));
            int frames = got / channels;
            float scale = 1f / channels;
            double meanEnergy = 0;
            for (int f = 0; f < frames; f++)
            {
                float sum = 0;
                ReadOnlySpan<float> frame = interleaved.AsSpan(f * channels, channels);
                foreach (float s in frame) sum += s;
                buffer[f] = sum * scale;
                meanEnergy += buffer[f] * (double)buffer[f];
            }

            if (channels > 1 && frames > 0)
            {
                TakeLoudestIfCancelled(interleaved.AsSpan(0, frames * channels), buffer[..frames], meanEnergy);
            }

            return frames;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(interleaved);
        }
    }

    private void TakeLoudestIfCancelled(ReadOnlySpan<float> interleaved, Span<float> mono, double meanEnergy)
    {
        int frames = mono.Length, loudest = 0;
        double loudestEnergy = 0;
        for (int c = 0; c < channels; c++)
        {
            double energy = 0;
            for (int f = 0; f < frames; f++)
            {
                float s = interleaved[f * channels + c];
                energy += s * (double)s;
            }

            if (energy > loudestEnergy)
            {
                (loudest, loudestEnergy) = (c, energy);
            }
        }

        if (loudestEnergy > 0 && meanEnergy < CancelRatio * loudestEnergy)
        {
            for (int f = 0; f < frames; f++)
            {
                mono[f] = interleaved[f * channels + loudest];
            }
        }
    }
}
