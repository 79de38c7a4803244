using System.Buffers.Binary;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;

namespace Pipelines.Captioning.Images;

/// <summary>
/// Finds image files cut short, by walking their container structure without decoding a pixel.
/// ImageSharp 2.1 decodes a cut PNG, GIF, BMP or WebP without a word (the missing part comes out
/// blank or grey), and a caption of half a photo is a wrong answer; a cut TIFF loses the
/// directory ImageSharp's encoder writes last, and the decoder's reason is "Sequence contains no
/// elements". Each check refuses only what is certainly short and leaves data it cannot follow
/// (damaged rather than cut) to the decoder. One partial file a format.
/// </summary>
internal static partial class ImageTruncation
{
    /// <summary>
    /// Why the file is cut short, worded "truncated FORMAT: ..." for the error line; null when its
    /// structure reaches its end, or the format has no check.
    /// </summary>
    public static string? Find(ReadOnlySpan<byte> bytes, IImageFormat format) => format switch
    {
        JpegFormat => JpegMarkers.HasEndOfImage(bytes) ? null : JpegMarkers.TruncatedReason,
        PngFormat => Png(bytes),
        GifFormat => Gif(bytes),
        BmpFormat => Bmp(bytes),
        WebpFormat => Webp(bytes),
        TiffFormat => Tiff(bytes),
        _ => null,
    };

    // An unsigned little- or big-endian integer of 1, 2, 4 or 8 bytes; the caller checks the bounds.
    private static ulong Unsigned(ReadOnlySpan<byte> bytes, long at, int size, bool bigEndian)
    {
        var span = bytes.Slice((int)at, size);
        return (size, bigEndian) switch
        {
            (1, _) => span[0],
            (2, false) => BinaryPrimitives.ReadUInt16LittleEndian(span),
            (2, true) => BinaryPrimitives.ReadUInt16BigEndian(span),
            (4, false) => BinaryPrimitives.ReadUInt32LittleEndian(span),
            (4, true) => BinaryPrimitives.ReadUInt32BigEndian(span),
            (8, false) => BinaryPrimitives.ReadUInt64LittleEndian(span),
            _ => BinaryPrimitives.ReadUInt64BigEndian(span),
        };
    }
}
