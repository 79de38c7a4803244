using System.Buffers;
using System.Buffers.Binary;
using NAudio.Wave;

namespace Pipelines.Speech.Audio;

/// <summary>
/// Turns the WAV encodings NAudio's <c>ToSampleProvider()</c> does not take (64-bit float,
/// G.711 A-law and mu-law) into 32-bit float samples, interleaved as in the file.
/// </summary>
internal sealed class ManagedSampleProvider : ISampleProvider
{
    private readonly Stream data;
    private readonly WavLayout layout;
    private readonly int bytesPerSample;

    public ManagedSampleProvider(Stream data, WavLayout layout)
    {
        this.data = data;
        this.layout = layout;
        bytesPerSample = layout.BitsPerSample / 8;
        WaveFormat = WaveFormat.CreateIeeeFloatWaveFormat(layout.SampleRate, layout.Channels);
    }

    public WaveFormat WaveFormat { get; }

    public int Read(Span<float> buffer)
    {
        int samples = buffer.Length - buffer.Length % layout.Channels;
        byte[] bytes = ArrayPool<byte>.Shared.Rent(Math.Max(1, samples * bytesPerSample));
        try
        {
            int got = data.ReadAtLeast(bytes.AsSpan(0, samples * bytesPerSample), samples * bytesPerSample,
                throwOnEndOfStream: false) / bytesPerSample;
            ReadOnlySpan<byte> src = bytes.AsSpan(0, got * bytesPerSample);
            for (int i = 0; i < got; i++) buffer[i] = Convert(src.Slice(i * bytesPerSample, bytesPerSample));
            return got;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private float Convert(ReadOnlySpan<byte> sample) => layout.Encoding switch
    {
        SampleEncoding.ALaw => G711.ALawToLinear(sample[0]) / 32768f,
        SampleEncoding.MuLaw => G711.MuLawToLinear(sample[0]) / 32768f,
        _ => (float)BinaryPrimitives.ReadDoubleLittleEndian(sample),
    };
}
