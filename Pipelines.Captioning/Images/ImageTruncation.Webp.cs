using System.Buffers.Binary;

namespace Pipelines.Captioning.Images;

internal static partial class ImageTruncation
{
    // A WebP is one RIFF chunk: "RIFF", the size of what follows, "WEBP", then the image chunks.
    // libwebp refuses a file shorter than the size says; bytes after it are ignored.
    private static string? Webp(ReadOnlySpan<byte> bytes)
    {
        const int Header = 12;
        if (bytes.Length < Header)
        {
            return "truncated WebP: the file ends inside its 12-byte RIFF header";
        }

        long declared = 8L + BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
        return declared > bytes.Length
            ? $"truncated WebP: its RIFF header declares {declared} bytes, but the file has {bytes.Length}"
            : null;
    }
}
