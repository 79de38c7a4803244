namespace Pipelines.Speech.Audio;

/// <summary>
/// Finds the first real MPEG audio frame of an MP3 file: skips ID3v2 tags by their declared
/// size (a cover picture inside a tag can hold bytes that look like frame headers), then
/// accepts a header only when the next frame header follows where its length says.
/// </summary>
internal static class Mp3Probe
{
    private const int MaxScanBytes = 256 * 1024;

    /// <summary>Offset of the first frame and its header.</summary>
    public static (long Offset, MpegFrameHeader Header) FindFirstFrame(Stream stream, string path)
    {
        long start = SkipId3v2Tags(stream, path);
        int scan = (int)Math.Min(MaxScanBytes, stream.Length - start);
        var bytes = new byte[Math.Max(0, scan)];
        stream.Position = start;
        stream.ReadExactly(bytes);

        for (int i = 0; i + 4 <= bytes.Length; i++)
        {
            if (!MpegFrameHeader.TryParse(bytes.AsSpan(i), out MpegFrameHeader h)) continue;
            int next = i + h.FrameLength;
            bool confirmed = next + 4 > bytes.Length
                ? next <= bytes.Length && i == 0 // a file of exactly one frame
                : MpegFrameHeader.TryParse(bytes.AsSpan(next), out MpegFrameHeader h2)
                  && h2.Version == h.Version && h2.Layer == h.Layer && h2.SampleRate == h.SampleRate;
            if (confirmed) return (start + i, h);
        }
        throw new AudioFormatException(path, $"no MPEG audio frames found in the first {scan} bytes " +
            $"after offset {start}: not an MP3 file, or corrupt");
    }

    /// <summary>
    /// Why the MPEG frames from <paramref name="first"/> on look cut short, or null: walking frame
    /// by frame by the lengths their headers give, the last one runs past <paramref name="end"/>
    /// (the end of the audio, before any ID3v1 tag). A header that does not parse stops the walk
    /// without a verdict (trailing tags or damage are not truncation).
    /// </summary>
    public static string? CutShort(Stream stream, long first, long end)
    {
        // Not disposed: that would close the caller's stream. It only saves a read call a frame.
        var buffered = new BufferedStream(stream, 1 << 16);
        Span<byte> header = stackalloc byte[4];
        long pos = first;
        buffered.Position = pos;
        while (pos + 4 <= end)
        {
            if (buffered.Position != pos)
            {
                buffered.Position = pos;
            }

            buffered.ReadExactly(header);
            if (!MpegFrameHeader.TryParse(header, out MpegFrameHeader h) || h.FrameLength < 4)
            {
                return null;
            }

            if (pos + h.FrameLength > end)
            {
                return $"the last MPEG frame (at byte {pos}) needs {h.FrameLength} bytes but the file " +
                    $"ends after {end - pos}: the file appears truncated, and its audio stops there";
            }

            pos += h.FrameLength;
        }

        return null;
    }

    /// <summary>Returns the offset just past any ID3v2 tags (ID3v2.4 4.1: a 10-byte header,
    /// a 28-bit "syncsafe" size of the rest, and an optional 10-byte footer).</summary>
    private static long SkipId3v2Tags(Stream stream, string path)
    {
        long offset = 0;
        Span<byte> h = stackalloc byte[10];
        while (true)
        {
            stream.Position = offset;
            if (stream.ReadAtLeast(h, 10, throwOnEndOfStream: false) < 10) return offset;
            if (h[0] != 'I' || h[1] != 'D' || h[2] != '3') return offset;
            if (((h[6] | h[7] | h[8] | h[9]) & 0x80) != 0)
                throw new AudioFormatException(path, $"ID3v2 tag at offset {offset} has an invalid size " +
                    $"field ({WavParser.Hex(h[6..10])}); the file is corrupt");
            long size = (h[6] << 21) | (h[7] << 14) | (h[8] << 7) | h[9];
            long end = offset + 10 + size + ((h[5] & 0x10) != 0 ? 10 : 0);
            if (end >= stream.Length)
                throw new AudioFormatException(path, $"ID3v2 tag at offset {offset} declares {size} bytes, " +
                    $"past the end of the {stream.Length}-byte file: no audio after it");
            offset = end;
        }
    }
}
