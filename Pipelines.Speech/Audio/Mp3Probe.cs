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
    /// The encoder delay and padding (samples a channel) that a LAME tag in the first frame records,
    /// or null when the first frame carries none. Encoders put a silent Xing/Info frame first; LAME
    /// and ffmpeg's libmp3lame add to it the samples they padded the audio with at the start (the
    /// encoder delay, usually 576) and at the end, which a decoder must drop for the audio to start
    /// and end where it did (the LAME tag specification; mpg123 and ffmpeg read it the same way).
    /// </summary>
    /// <returns>The delay, the padding, the audio frames after the tag frame (null when the tag does
    /// not give their count), and whether the tag names LAME itself (NLayer applies such a tag's delay
    /// and padding on its own; it leaves ffmpeg's "Lavc" tags alone).</returns>
    public static (int Delay, int Padding, long? Frames, bool Lame)? GaplessInfo(
        Stream stream, long first, MpegFrameHeader header)
    {
        if (header.Layer != 3)
        {
            return null;
        }

        // The Xing/Info tag follows the 4-byte header and the side information.
        int side = header.Version == MpegVersion.Mpeg1
            ? (header.Channels == 1 ? 17 : 32)
            : (header.Channels == 1 ? 9 : 17);
        var frame = new byte[Math.Min(header.FrameLength, 512)];
        stream.Position = first;
        if (stream.Read(frame) < frame.Length)
        {
            return null;
        }

        int at = 4 + side;
        if (at + 12 > frame.Length ||
            !(frame.AsSpan(at, 4).SequenceEqual("Xing"u8) || frame.AsSpan(at, 4).SequenceEqual("Info"u8)))
        {
            return null;
        }

        int flags = frame[at + 7];
        long? frames = (flags & 1) != 0
            ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(at + 8))
            : null;
        at += 8 + ((flags & 1) != 0 ? 4 : 0) + ((flags & 2) != 0 ? 4 : 0) + ((flags & 4) != 0 ? 100 : 0)
            + ((flags & 8) != 0 ? 4 : 0);
        // The LAME extension: a 9-byte encoder name, 12 bytes of other fields, then 12 bits of delay
        // and 12 bits of padding.
        if (at + 24 > frame.Length ||
            !(frame.AsSpan(at, 4).SequenceEqual("LAME"u8) || frame.AsSpan(at, 3).SequenceEqual("Lav"u8)))
        {
            return null;
        }

        int delay = (frame[at + 21] << 4) | (frame[at + 22] >> 4);
        int padding = ((frame[at + 22] & 0x0F) << 8) | frame[at + 23];
        return (delay, padding, frames, frame.AsSpan(at, 4).SequenceEqual("LAME"u8));
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
            if (end > stream.Length)
                throw new AudioFormatException(path, $"ID3v2 tag at offset {offset} declares {size} bytes, " +
                    $"past the end of the {stream.Length}-byte file: no audio after it");
            if (end == stream.Length)
                throw new AudioFormatException(path, $"the ID3v2 tag at offset {offset} runs to the end of the " +
                    $"{stream.Length}-byte file: no audio after it");
            offset = end;
        }
    }
}
