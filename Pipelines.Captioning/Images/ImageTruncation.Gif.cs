namespace Pipelines.Captioning.Images;

internal static partial class ImageTruncation
{
    // A GIF is a 6-byte signature, a 7-byte screen descriptor and an optional colour table, then
    // blocks: extensions (21), frames (2C) and the trailer (3B) that ends the file. Extensions and
    // frames carry their data in sub-blocks: a length byte, that many bytes, ..., a length of 0.
    private static string? Gif(ReadOnlySpan<byte> bytes)
    {
        const int Header = 13;
        if (bytes.Length < Header)
        {
            return "truncated GIF: the file ends inside its 13-byte header";
        }

        long at = Header + ColourTableBytes(bytes[10]);
        int frames = 0;
        while (at < bytes.Length)
        {
            switch (bytes[(int)at])
            {
                case 0x3B:
                    return null;
                case 0x21:   // introducer, label, sub-blocks
                    at = SkipSubBlocks(bytes, at + 2);
                    if (at < 0)
                    {
                        return $"truncated GIF: an extension block after frame {frames} runs past the end "
                            + $"of the file ({bytes.Length} bytes)";
                    }

                    break;
                case 0x2C:   // 10-byte descriptor, local colour table, LZW code size, sub-blocks
                    frames++;
                    at = at + 10 > bytes.Length ? -1
                        : SkipSubBlocks(bytes, at + 10 + ColourTableBytes(bytes[(int)at + 9]) + 1);
                    if (at < 0)
                    {
                        return $"truncated GIF: the image data of frame {frames} runs past the end of the file "
                            + $"({bytes.Length} bytes)";
                    }

                    break;
                default:
                    return null;   // not a block start: damage for the decoder to report, not a cut
            }
        }

        string where = frames == 0 ? "before its first frame" : $"after frame {frames}";
        return $"truncated GIF: the file ends {where}, without the trailer byte 3B that closes a GIF";
    }

    // Flag 0x80 of a descriptor's packed byte: a table of 2^(n+1) RGB entries follows.
    private static int ColourTableBytes(byte packed) => (packed & 0x80) == 0 ? 0 : 3 << ((packed & 7) + 1);

    // The position after the sub-blocks starting at `at`, or -1 when they run past the end.
    private static long SkipSubBlocks(ReadOnlySpan<byte> bytes, long at)
    {
        while (at < bytes.Length)
        {
            int length = bytes[(int)at];
            at += 1 + length;
            if (length == 0)
            {
                return at;
            }
        }

        return -1;
    }
}
