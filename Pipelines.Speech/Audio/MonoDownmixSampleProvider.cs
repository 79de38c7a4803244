using System.Buffers;
using NAudio.Wave;

namespace Pipelines.Speech.Audio;

/// <summary>
/// Downmixes any channel count to mono by the mean of the channels. The mean, not "take
/// channel 0": a stereo file may carry the speech on one channel only, and the mean keeps it
/// (at half amplitude) while never clipping.
/// </summary>
internal sealed class MonoDownmixSampleProvider : ISampleProvider
{
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
            for (int f = 0; f < frames; f++)
            {
                float sum = 0;
                ReadOnlySpan<float> frame = interleaved.AsSpan(f * channels, channels);
                foreach (float s in frame) sum += s;
                buffer[f] = sum * scale;
            }
            return frames;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(interleaved);
        }
    }
}
