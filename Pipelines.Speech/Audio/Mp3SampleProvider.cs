using NAudio.Wave;
using NLayer;

namespace Pipelines.Speech.Audio;

/// <summary>
/// Decodes MPEG-1/2 Layer I-III with NLayer (NAudio's own MP3 readers need Windows codecs).
/// Refuses MPEG-2.5: NLayer 3.0.1 mis-decodes it (out-of-range samples, wrong waveform).
/// </summary>
internal sealed class Mp3SampleProvider : ISampleProvider, IDisposable
{
    private readonly MpegFile mpeg;
    private readonly string path;

    private Mp3SampleProvider(MpegFile mpeg, string path, MpegFrameHeader first, string? truncation)
    {
        this.mpeg = mpeg;
        this.path = path;
        FirstFrame = first;
        Truncation = truncation;
        WaveFormat = WaveFormat.CreateIeeeFloatWaveFormat(mpeg.SampleRate, mpeg.Channels);
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
            var mpeg = new MpegFile(new SubStream(file, offset, end - offset));
            if (mpeg.SampleRate != first.SampleRate || mpeg.Channels < 1)
                throw new AudioFormatException(path, $"decoder reports {mpeg.SampleRate} Hz, " +
                    $"{mpeg.Channels} channels but the first frame says {first.Description}");
            return new Mp3SampleProvider(mpeg, path, first, truncation);
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
            return mpeg.ReadSamples(buffer[..want]);
        }
        catch (Exception e) when (e is not AudioFormatException)
        {
            throw new AudioFormatException(path, $"MP3 decoding failed: {e.Message}", e);
        }
    }

    public void Dispose() => mpeg.Dispose();
}
