using System.Buffers.Binary;

namespace Pipelines.Video.Decoding;

/// <summary>
/// Checks whether a file is shorter than its own container says, from the sizes of its top-level
/// structures: the boxes of MP4/QuickTime, the RIFF chunks of AVI. OpenCV cannot tell us: its
/// grab simply returns false where a cut-off file ends, exactly as at a normal end, and its
/// frame count is the header's. A size that runs past the end of the file is hard evidence.
/// </summary>
/// <remarks>
/// Limit: Matroska/WebM and other containers are not walked (null: no evidence either way).
/// </remarks>
internal static class ContainerExtent
{
    /// <summary>
    /// Where the file is cut, e.g. "the file ends at byte 3438 but its 'mdat' box runs to byte
    /// 6876"; null when every top-level structure fits, or for a container this class does not walk.
    /// </summary>
    public static string? Shortfall(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> head = stackalloc byte[16];
            int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return ContainerSniffer.Name(head[..read]) switch
            {
                "MP4/QuickTime" => Boxes(stream),
                "AVI" => RiffChunks(stream),
                _ => null,
            };
        }
        catch (IOException)
        {
            return null;   // the caller's own error says what is wrong with the file
        }
    }

    // ISO BMFF: [size:u32 BE][type:4] where size 1 means a u64 size follows and 0 means "to the end".
    private static string? Boxes(Stream stream)
    {
        long length = stream.Length;
        Span<byte> header = stackalloc byte[16];
        long pos = 0;
        while (pos + 8 <= length)
        {
            stream.Position = pos;
            int got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            long size = BinaryPrimitives.ReadUInt32BigEndian(header);
            string type = Text(header[4..8]);
            if (size == 1)
            {
                size = got >= 16 ? (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(header[8..]), long.MaxValue) : 0;
            }

            if (size == 0)
            {
                return null;   // the last box, running to the end of the file by definition
            }

            if (size < 8)
            {
                return null;   // not a box structure we can follow; say nothing rather than guess
            }

            if (pos + size > length)
            {
                return $"the file ends at byte {length} but its '{type}' box runs to byte {pos + size}";
            }

            pos += size;
        }

        return null;
    }

    // AVI: one RIFF 'AVI ' chunk, then RIFF 'AVIX' chunks for files over 1 GB (OpenDML).
    private static string? RiffChunks(Stream stream)
    {
        long length = stream.Length;
        Span<byte> header = stackalloc byte[12];
        long pos = 0;
        while (pos + 12 <= length)
        {
            stream.Position = pos;
            stream.ReadExactly(header);
            if (!header[..4].SequenceEqual("RIFF"u8))
            {
                return null;
            }

            long end = pos + 8 + BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (end > length)
            {
                return $"the file ends at byte {length} but its RIFF '{Text(header[8..12])}' chunk runs to byte {end}";
            }

            pos = end + (end & 1);
        }

        return null;
    }

    private static string Text(ReadOnlySpan<byte> fourcc)
    {
        var chars = new char[fourcc.Length];
        for (int i = 0; i < fourcc.Length; i++)
        {
            chars[i] = fourcc[i] is >= 0x20 and < 0x7F ? (char)fourcc[i] : '?';
        }

        return new string(chars);
    }
}
