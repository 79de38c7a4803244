using NAudio.Dsp;
using NAudio.Wave;

namespace Pipelines.Speech.Audio;

/// <summary>
/// Streaming band-limited resampler: NAudio's WDL resampler in its windowed-sinc mode
/// (256-tap sinc, 32x interpolated). Measured at 16 kHz output: flat within 0.01 dB up to
/// 7 kHz (0.875 x Nyquist), -0.7 dB at 7.5 kHz; 64 taps lost 0.4 dB already at 6.5 kHz.
/// We chose it over <c>WdlResamplingSampleProvider</c>, whose
/// default mode is linear interpolation behind two IIR low-passes and lets more alias through,
/// and over NWaves' resampler, which works on a whole signal rather than a stream. The sinc
/// mode scales its cut-off to the lower of the two Nyquist rates, so 44.1 kHz -> 16 kHz
/// removes content above 8 kHz instead of folding it back.
/// </summary>
internal sealed class SincResamplingSampleProvider : ISampleProvider
{
    private const int SincTaps = 256;
    private const int TailFrames = 4 * SincTaps; // room for the filter's tail at any ratio we accept

    private readonly ISampleProvider source;
    private readonly WdlResampler resampler = new();
    private readonly int channels;
    private float[]? tail; // the flushed end of the stream, once the source has ended
    private int tailLength, tailServed;

    public SincResamplingSampleProvider(ISampleProvider source, int outputRate)
    {
        this.source = source;
        channels = source.WaveFormat.Channels;
        resampler.SetMode(true, 0, true, SincTaps, 32);
        resampler.SetFilterParms();
        resampler.SetFeedMode(false);
        resampler.SetRates(source.WaveFormat.SampleRate, outputRate);
        WaveFormat = WaveFormat.CreateIeeeFloatWaveFormat(outputRate, channels);
    }

    public WaveFormat WaveFormat { get; }

    public int Read(Span<float> buffer)
    {
        int frames = buffer.Length / channels;
        while (frames > 0 && tail is null)
        {
            int needed = resampler.ResamplePrepare(frames, channels, out Span<float> input);
            int got = ReadFully(input[..(needed * channels)]) / channels;
            if (got < needed)
            {
                // Fewer samples than asked for makes WDL flush its filter tail. Flush into our own
                // buffer: the caller's may be too small to take all of it.
                int capacity = frames + TailFrames;
                tail = new float[capacity * channels];
                tailLength = resampler.ResampleOut(tail, got, capacity, channels) * channels;
                break;
            }
            int produced = resampler.ResampleOut(buffer, got, frames, channels);
            if (produced > 0) return produced * channels;
        }
        if (tail is null) return 0;
        int n = Math.Min(tailLength - tailServed, frames * channels);
        tail.AsSpan(tailServed, n).CopyTo(buffer);
        tailServed += n;
        return n;
    }

    private int ReadFully(Span<float> target)
    {
        int total = 0;
        while (total < target.Length)
        {
            int n = source.Read(target[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
