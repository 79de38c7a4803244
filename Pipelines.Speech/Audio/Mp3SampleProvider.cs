using NAudio.Wave;
using NLayer;

namespace Pipelines.Speech.Audio;

/// <summary>
/// Decodes MPEG-1/2 Layer I-III with NLayer (NAudio's own MP3 readers need Windows codecs).
/// Refuses MPEG-2.5: NLayer 3.0.1 mis-decodes it (out-of-range samples, wrong waveform).
/// </summary>
internal sealed class Mp3SampleProvider : ISampleProvider, IDisposable
{
    // NLayer's synthesis delay: its output starts this many samples (a channel) after the encoder's
    // input, on top of the encoder delay (measured: an ffmpeg/libmp3lame file with a delay of 576
    // came out 1105 samples late; the same 529 that the LAME tag specification gives decoders).
    private const int DecoderDelay = 529;

    private readonly MpegFile mpeg;
    private readonly string path;
    private long skip;         // interleaved samples still to drop at the start (encoder + decoder delay)
    private long? remaining;  // interleaved samples still to deliver before the end padding, or null
    private long tail;        // zeros still to add after the decoder's last sample (see the constructor)

    private Mp3SampleProvider(MpegFile mpeg, string path, MpegFrameHeader first, string? truncation,
        (int Delay, int Padding, long? Frames, bool Lame)? gapless)
    {
        this.mpeg = mpeg;
        this.path = path;
        FirstFrame = first;
        Truncation = truncation;
        WaveFormat = WaveFormat.CreateIeeeFloatWaveFormat(mpeg.SampleRate, mpeg.Channels);
        if (gapless is { Lame: true })
        {
            // NLayer drops a LAME tag's delay and padding itself but not its own delay, so its output
            // runs DecoderDelay samples late and ends DecoderDelay samples short of the audio: those
            // are dropped at the start and made up with silence at the end (the length stays right;
            // the last 12 ms at 44.1 kHz, usually the encoder's fade to silence, read as zeros).
            skip = (long)DecoderDelay * mpeg.Channels;
            tail = skip;
        }
        else if (gapless is { } g)
        {
            // Samples a channel in a frame: 1152 for MPEG-1 Layer III, 576 for MPEG-2 and 2.5.
            int perFrame = first.Version == MpegVersion.Mpeg1 ? 1152 : 576;
            long total = g.Frames is { } frames ? frames * perFrame : long.MaxValue;
            long keep = total - g.Delay - g.Padding;
            if (keep > 0)
            {
                skip = (long)(g.Delay + DecoderDelay) * mpeg.Channels;
                remaining = g.Frames is null ? null : keep * mpeg.Channels;
            }
        }
    }

    public WaveFormat WaveFormat { get; }

    public MpegFrameHeader FirstFrame { get; }

    /// <summary>Why the file looks cut short (its last frame runs past its end), or null.</summary>
    public string? Truncation { get; }

    /// <summary>Opens the MPEG stream in <paramref name="file"/>, which stays owned by the caller.</summary>
    public static Mp3SampleProvider Open(Stream file, string path)
    {
        (long offset, MpegFrameHeader first) = Mp3Probe.FindFirstFrame(file, path);
        if (first.Version == MpegVersion.Mpeg25)
            throw new AudioFormatException(path, $"{first.Description} is not supported (the NLayer decoder " +
                "mis-decodes MPEG-2.5); convert it to WAV or to an MPEG-1/MPEG-2 MP3");
        long end = AudioEnd(file);
        string? truncation = Mp3Probe.CutShort(file, offset, end);
        try
        {
            var gapless = Mp3Probe.GaplessInfo(file, offset, first);
            var mpeg = new MpegFile(new SubStream(file, offset, end - offset));
            if (mpeg.SampleRate != first.SampleRate || mpeg.Channels < 1)
                throw new AudioFormatException(path, $"decoder reports {mpeg.SampleRate} Hz, " +
                    $"{mpeg.Channels} channels but the first frame says {first.Description}");
            return new Mp3SampleProvider(mpeg, path, first, truncation, gapless);
        }
        catch (Exception e) when (e is not AudioFormatException)
        {
            throw new AudioFormatException(path, $"MP3 decoder failed to open the stream: {e.Message}", e);
        }
    }

    /// <summary>End of the MPEG frames: before a trailing 128-byte ID3v1 tag ("TAG...") if any,
    /// so its text is never parsed as audio.</summary>
    private static long AudioEnd(Stream file)
    {
        if (file.Length < 128 + 4) return file.Length;
        Span<byte> tag = stackalloc byte[3];
        file.Position = file.Length - 128;
        file.ReadExactly(tag);
        return tag.SequenceEqual("TAG"u8) ? file.Length - 128 : file.Length;
    }

    public int Read(Span<float> buffer)
    {
        try
        {
            int want = buffer.Length - buffer.Length % mpeg.Channels;
            if (remaining is { } left)
            {
                want = (int)Math.Min(want, left);
            }

            // The encoder and decoder delay are read and dropped first (a LAME tag's gapless data).
            while (skip > 0)
            {
                int n = mpeg.ReadSamples(buffer[..(int)Math.Min(want, skip)]);
                if (n == 0)
                {
                    return 0;
                }

                skip -= n;
            }

            int read = want == 0 ? 0 : mpeg.ReadSamples(buffer[..want]);
            if (read == 0 && tail > 0 && want > 0)
            {
                read = (int)Math.Min(want, tail);
                buffer[..read].Clear();
                tail -= read;
            }

            if (remaining is not null)
            {
                remaining -= read;
            }

            return read;
        }
        catch (Exception e) when (e is not AudioFormatException)
        {
            throw new AudioFormatException(path, $"MP3 decoding failed: {e.Message}", e);
        }
    }

    public void Dispose() => mpeg.Dispose();
}
