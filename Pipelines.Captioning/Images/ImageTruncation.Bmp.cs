namespace Pipelines.Captioning.Images;

internal static partial class ImageTruncation
{
    private const int BmpFileHeader = 14;

    // A BMP is a 14-byte file header (with the offset of the pixel data), an info header whose first
    // 4 bytes give its size, an optional palette or masks, then the pixel data. Only uncompressed
    // data is measured: the size of RLE, JPEG, PNG and Huffman payloads is not known from the header,
    // and ImageSharp refuses a cut RLE stream itself (it reads on to the end-of-bitmap code).
    private static string? Bmp(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < BmpFileHeader + 4)
        {
            return "truncated BMP: the file ends inside its header";
        }

        long offset = (long)Unsigned(bytes, 10, 4, bigEndian: false);
        long infoSize = (long)Unsigned(bytes, BmpFileHeader, 4, bigEndian: false);
        bool windows = infoSize is 40 or 52 or 56 or 108 or 124;
        if (!windows && infoSize is not (12 or 16 or 64))
        {
            return null;   // an info header ImageSharp does not read either
        }

        long headers = BmpFileHeader + infoSize;
        if (bytes.Length < headers)
        {
            return $"truncated BMP: the file ends inside its {infoSize}-byte info header";
        }

        // OS/2 1.x (12 bytes) has 16-bit sizes; the others 32-bit, with negative heights for top-down rows.
        var info = bytes[BmpFileHeader..];
        bool core = infoSize == 12;
        long width = core ? (long)Unsigned(info, 4, 2, false) : (int)Unsigned(info, 4, 4, false);
        long height = core ? (long)Unsigned(info, 6, 2, false) : Math.Abs((long)(int)Unsigned(info, 8, 4, false));
        int bits = (int)Unsigned(info, core ? 10 : 14, 2, false);
        ulong compression = infoSize >= 20 ? Unsigned(info, 16, 4, false) : 0;
        if (width <= 0 || height <= 0)
        {
            return null;   // refused by the size check, with the sizes in its reason
        }

        bool bitfields = windows && (compression is 3 or 6);
        if ((compression != 0 && !bitfields) || bits is not (1 or 2 or 4 or 8 or 16 or 24 or 32))
        {
            return null;
        }

        // The palette and masks come before the pixels, so the pixels start no earlier than the headers.
        return BmpRows(bytes, Math.Max(offset, headers), width, height, bits);
    }

    // Rows are padded to 4 bytes. The last row's padding is not required: some writers leave it out,
    // and no pixel is in it.
    private static string? BmpRows(ReadOnlySpan<byte> bytes, long start, long width, long height, int bits)
    {
        long stride = (width * bits + 31) / 32 * 4;
        long lastRow = (width * bits + 7) / 8;
        Int128 needed = (Int128)stride * (height - 1) + lastRow;
        if (start + needed <= bytes.Length)
        {
            return null;
        }

        long present = Math.Max(0, bytes.Length - start);
        return $"truncated BMP: a {width} x {height} {bits}-bit image needs at least {needed} bytes of "
            + $"pixel data from byte {start}, but the file holds {present}";
    }
}
