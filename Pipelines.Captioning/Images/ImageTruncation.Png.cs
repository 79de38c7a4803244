using System.Buffers.Binary;
using System.Text;

namespace Pipelines.Captioning.Images;

internal static partial class ImageTruncation
{
    // A PNG is an 8-byte signature, then chunks (4-byte length, 4-letter type, data, 4-byte CRC)
    // up to IEND. Bytes after IEND are ignored, as every viewer does.
    private static string? Png(ReadOnlySpan<byte> bytes)
    {
        const int Signature = 8, Overhead = 12;
        string after = "its signature";
        long at = Signature;
        while (at < bytes.Length)
        {
            long left = bytes.Length - at;
            if (left < Overhead)
            {
                return $"truncated PNG: the file ends inside the chunk header at byte {at}, after {after}";
            }

            var type = bytes.Slice((int)at + 4, 4);
            if (!IsChunkType(type))
            {
                return null;   // not a chunk boundary: damage for the decoder to report, not a cut
            }

            string name = Encoding.ASCII.GetString(type);
            long size = Overhead + (long)BinaryPrimitives.ReadUInt32BigEndian(bytes[(int)at..]);
            if (size > left)
            {
                return $"truncated PNG: the {name} chunk at byte {at} needs {size} bytes, "
                    + $"but the file ends {left} bytes into it";
            }

            if (name == "IEND")
            {
                return null;
            }

            after = $"the {name} chunk";
            at += size;
        }

        return $"truncated PNG: the file ends after {after}, without the IEND chunk that closes a PNG";
    }

    private static bool IsChunkType(ReadOnlySpan<byte> type)
    {
        foreach (byte b in type)
        {
            if (!char.IsAsciiLetter((char)b))
            {
                return false;
            }
        }

        return true;
    }
}
