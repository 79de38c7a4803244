using System.Buffers.Binary;
using System.Text;

namespace Pipelines.Speech.Audio;

/// <summary>
/// Walks the chunks of a RIFF/WAVE (or RF64) file and finds the format and the real extent of
/// the sample data. We parse the chunks ourselves rather than trusting NAudio's
/// <c>WaveFileReader</c> because that reader yields nothing for a data chunk that says size 0
/// (a recording that was never finalised) and cannot take sizes from the bytes really present.
/// </summary>
internal static class WavParser
{
    private const uint PlaceholderSize = 0xFFFFFFFF;

    // Bytes 2..15 of KSDATAFORMAT_SUBTYPE_PCM/IEEE_FLOAT/ALAW/MULAW as stored on disk: the
    // GUID 0000xxxx-0000-0010-8000-00AA00389B71, whose first two bytes are the format tag.
    private static readonly byte[] SubFormatTail =
        [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    private sealed record Fmt(SampleEncoding Encoding, int Channels, int Rate, int Bits, int BlockAlign);

    /// <summary>Parses the header of the WAV file open in <paramref name="stream"/>.</summary>
    public static WavLayout Parse(Stream stream, string path, AudioReadOptions options)
    {
        long fileLength = stream.Length;
        Span<byte> head = stackalloc byte[12];
        stream.Position = 0;
        if (stream.ReadAtLeast(head, 12, throwOnEndOfStream: false) < 12)
            throw new AudioFormatException(path, $"truncated RIFF header ({fileLength} bytes, need at least 12)");
        string riff = Ascii(head[..4]);
        bool rf64 = riff == "RF64";
        if (riff != "RIFF" && !rf64)
            throw new AudioFormatException(path, $"not a RIFF file (starts with {Hex(head[..4])})");
        if (Ascii(head[8..12]) != "WAVE")
            throw new AudioFormatException(path, $"RIFF form type is '{Ascii(head[8..12])}', expected 'WAVE'");

        var warnings = new List<string>();
        Fmt? fmt = null;
        long dataOffset = -1, dataLength = -1;
        long? ds64DataSize = null;
        Span<byte> chunkHead = stackalloc byte[8];
        long pos = 12;
        while (pos + 8 <= fileLength)
        {
            stream.Position = pos;
            stream.ReadExactly(chunkHead);
            string id = Ascii(chunkHead[..4]);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHead[4..]);
            long body = pos + 8, remaining = fileLength - body;
            if (!IsChunkId(chunkHead[..4]))
            {
                if (dataOffset < 0)
                    throw new AudioFormatException(path, $"bytes at offset {pos} are not a RIFF chunk header " +
                        $"({Hex(chunkHead[..4])}); the file is corrupt");
                warnings.Add($"ignored {fileLength - pos} trailing bytes at offset {pos} that are not a chunk");
                break;
            }

            if (id == "data" && dataOffset < 0)
            {
                long declared = rf64 && size == PlaceholderSize && ds64DataSize is { } big ? big : size;
                bool toEnd = ResolveData(stream, path, declared, body, remaining, warnings, out dataLength);
                dataOffset = body;
                if (toEnd) break;
                pos = body + declared + (declared & 1);
                if (fmt is not null && SamplesFollow(stream, pos, fileLength, fmt))
                {
                    warnings.Add($"data chunk declares {declared} bytes but {fileLength - pos} more bytes follow " +
                        "it with no chunk header (a header never updated?); read them as samples to end of file");
                    dataLength = fileLength - body;
                    break;
                }
                continue;
            }

            if (size > remaining && dataOffset >= 0)
            {
                // The audio is intact; only a trailing metadata chunk is cut short.
                warnings.Add($"ignored chunk '{id}' at offset {pos}: declares {size} bytes, {remaining} remain");
                break;
            }
            if (size > remaining)
                throw new AudioFormatException(path, $"chunk '{id}' at offset {pos} declares {size} bytes " +
                    $"but only {remaining} remain (truncated or corrupt header)");
            if (id == "fmt ") fmt = ParseFmt(stream, path, size, options);
            else if (id == "ds64" && rf64 && size >= 16) ds64DataSize = ReadDs64DataSize(stream);
            // LIST, fact, cue, bext, junk...: skipped. A chunk of odd size is followed by a pad byte.
            pos = body + size + (size & 1);
        }

        if (fmt is null) throw new AudioFormatException(path, "no 'fmt ' chunk: cannot tell the sample format");
        if (dataOffset < 0) throw new AudioFormatException(path, "no 'data' chunk: the file holds no audio");
        return Finish(path, fmt, dataOffset, dataLength, warnings);
    }

    private static WavLayout Finish(string path, Fmt fmt, long offset, long length, List<string> warnings)
    {
        long partial = length % fmt.BlockAlign;
        if (partial != 0)
        {
            warnings.Add($"ignored {partial} trailing bytes of an incomplete sample frame");
            length -= partial;
        }
        if (length == 0)
            throw new AudioFormatException(path, "contains no audio (the data chunk holds 0 sample frames)");
        return new WavLayout(fmt.Encoding, fmt.Channels, fmt.Rate, fmt.Bits, fmt.BlockAlign, offset, length,
            warnings);
    }

    /// <summary>
    /// Decides how many data bytes there really are. Returns true when the data runs to the end
    /// of the file (recovered size), so no chunk can follow it.
    /// </summary>
    private static bool ResolveData(Stream stream, string path, long declared, long body, long remaining,
        List<string> warnings, out long length)
    {
        if (declared == PlaceholderSize && remaining > 0)
        {
            warnings.Add($"data chunk size is the placeholder 0xFFFFFFFF (streamed recording); " +
                $"took the {remaining} bytes present to end of file");
            length = remaining;
            return true;
        }
        if (declared == 0 && remaining > 0 && !LooksLikeChunkAt(stream, body, remaining))
        {
            warnings.Add($"data chunk says size 0 (recording never finalised?) but {remaining} bytes " +
                "follow; read them to end of file");
            length = remaining;
            return true;
        }
        if (declared > remaining)
        {
            // A real size the bytes fall short of: the file was cut (a copy or download that
            // stopped). A transcript of the part present would pass for the whole recording, and an
            // output written from it would be skipped as done on every later run.
            throw new AudioFormatException(path, $"truncated: the data chunk declares {declared} bytes but only " +
                $"{remaining} are present");
        }
        length = declared;
        return false;
    }

    /// <summary>
    /// Whether the bytes after a data chunk of non-placeholder size are more samples: a writer that
    /// updates the header now and then (or only at the end) and was stopped leaves a size that is
    /// too small, and what follows is audio, not a chunk. A legitimate file has a chunk there
    /// (LIST, id3, bext, ...; its id is letters, digits, space or '_', even when cut short) or
    /// nothing. Fewer bytes than 100 ms of audio, or an appended ID3v1/ID3v2 tag, are not taken
    /// as samples; the chunk walk then ignores them with a warning.
    /// </summary>
    private static bool SamplesFollow(Stream stream, long offset, long fileLength, Fmt fmt)
    {
        long remaining = fileLength - offset;
        if (remaining < Math.Max(8L, (long)fmt.Rate * fmt.BlockAlign / 10)) return false;
        Span<byte> next = stackalloc byte[4];
        stream.Position = offset;
        stream.ReadExactly(next);
        if (next[..3].SequenceEqual("ID3"u8) || next[..3].SequenceEqual("TAG"u8)) return false;
        foreach (byte b in next)
            if (!(char.IsAsciiLetterOrDigit((char)b) || b == ' ' || b == '_')) return true;
        return false;
    }

    private static bool LooksLikeChunkAt(Stream stream, long offset, long remaining)
    {
        if (remaining < 8) return false;
        Span<byte> next = stackalloc byte[8];
        stream.Position = offset;
        stream.ReadExactly(next);
        return IsChunkId(next[..4]) && BinaryPrimitives.ReadUInt32LittleEndian(next[4..]) <= remaining - 8;
    }

    private static Fmt ParseFmt(Stream stream, string path, uint size, AudioReadOptions options)
    {
        if (size < 16) throw new AudioFormatException(path, $"fmt chunk is {size} bytes, need at least 16");
        Span<byte> f = stackalloc byte[40];
        int got = stream.ReadAtLeast(f[..(int)Math.Min(size, 40u)], (int)Math.Min(size, 40u));
        int tag = BinaryPrimitives.ReadUInt16LittleEndian(f);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(f[2..]);
        uint rate = BinaryPrimitives.ReadUInt32LittleEndian(f[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(f[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(f[14..]);
        if (tag == 0xFFFE) tag = ExtensibleTag(path, f[..got]);

        SampleEncoding encoding = tag switch
        {
            1 => SampleEncoding.Pcm,
            3 => SampleEncoding.IeeeFloat,
            6 => SampleEncoding.ALaw,
            7 => SampleEncoding.MuLaw,
            _ => throw new AudioFormatException(path, $"WAV format tag 0x{tag:X4} ({TagName(tag)}) is not " +
                "supported; supported: PCM, IEEE float, A-law, mu-law (plain or WAVE_FORMAT_EXTENSIBLE)"),
        };
        Validate(path, encoding, channels, rate, bits, blockAlign, options);
        return new Fmt(encoding, channels, (int)rate, bits, blockAlign);
    }

    private static int ExtensibleTag(string path, ReadOnlySpan<byte> f)
    {
        if (f.Length < 40)
            throw new AudioFormatException(path, $"WAVE_FORMAT_EXTENSIBLE fmt chunk is {f.Length} bytes, need 40");
        ReadOnlySpan<byte> guid = f.Slice(24, 16);
        if (!guid[2..].SequenceEqual(SubFormatTail))
            throw new AudioFormatException(path, $"WAVE_FORMAT_EXTENSIBLE sub-format {new Guid(guid)} is not " +
                "a PCM, IEEE float, A-law or mu-law format");
        return BinaryPrimitives.ReadUInt16LittleEndian(guid);
    }

    private static void Validate(string path, SampleEncoding encoding, int channels, uint rate, int bits,
        int blockAlign, AudioReadOptions options)
    {
        if (channels == 0) throw new AudioFormatException(path, "0 channels in the fmt chunk");
        if (channels > options.MaxChannels)
            throw new AudioFormatException(path, $"{channels} channels in the fmt chunk (most accepted: " +
                $"{options.MaxChannels})");
        if (rate < options.MinSampleRate || rate > options.MaxSampleRate)
            throw new AudioFormatException(path, $"absurd sample rate {rate} Hz in the fmt chunk (accepted: " +
                $"{options.MinSampleRate}..{options.MaxSampleRate} Hz)");
        bool bitsOk = encoding switch
        {
            SampleEncoding.Pcm => bits is 8 or 16 or 24 or 32,
            SampleEncoding.IeeeFloat => bits is 32 or 64,
            _ => bits == 8,
        };
        if (!bitsOk)
            throw new AudioFormatException(path, $"{bits} bits per sample is not valid for {EncodingName(encoding)} " +
                "(PCM: 8/16/24/32, float: 32/64, A-law/mu-law: 8)");
        int expected = channels * bits / 8;
        if (blockAlign != expected)
            throw new AudioFormatException(path, $"block align {blockAlign} does not match channels x bytes " +
                $"per sample = {expected}");
    }

    private static long ReadDs64DataSize(Stream stream)
    {
        Span<byte> ds = stackalloc byte[16];
        stream.ReadExactly(ds);
        return BinaryPrimitives.ReadInt64LittleEndian(ds[8..]);
    }

    private static bool IsChunkId(ReadOnlySpan<byte> id)
    {
        foreach (byte b in id)
            if (b < 0x20 || b > 0x7E) return false;
        return true;
    }

    private static string TagName(int tag) => tag switch
    {
        0x0002 => "Microsoft ADPCM",
        0x0011 => "IMA ADPCM",
        0x0031 => "GSM 6.10",
        0x0050 => "MPEG",
        0x0055 => "MPEG Layer III",
        _ => "unknown",
    };

    private static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes);

    internal static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);

    // The encoding as a WAV's reader would name it, not as the enum member is spelled ("Pcm").
    private static string EncodingName(SampleEncoding encoding) => encoding switch
    {
        SampleEncoding.Pcm => "PCM",
        SampleEncoding.IeeeFloat => "IEEE float",
        _ => encoding.ToString(),
    };
}
