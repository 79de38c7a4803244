using Rnn.Core.Serialization;

namespace Pipelines.Captioning.Images;

/// <summary>
/// Truncation check for JPEG files: a complete file ends with the EOI marker FF D9. In
/// entropy-coded data every FF byte is followed by 00 or a restart marker (FF D0-D7), so FF D9
/// near the end can only be the real end of the image.
/// </summary>
/// <remarks>
/// One source for every image reader: Pipelines.Video compiles this file too (linked in its
/// project file), since neither decoder refuses a cut JPEG on its own: ImageSharp fills the
/// missing rows with grey, OpenCV's libjpeg only prints "Premature end of JPEG file".
/// </remarks>
internal static class JpegMarkers
{
    /// <summary>The reason a JPEG without its end marker is refused, worded the same in every verb.</summary>
    public const string TruncatedReason =
        "truncated JPEG: the end-of-image marker is missing, so part of the picture is absent";

    // Writers may append padding or other data after EOI; look this far back from the end.
    private const int TailWindow = 4096;

    public static bool HasEndOfImage(ReadOnlySpan<byte> bytes)
    {
        int start = Math.Max(0, bytes.Length - TailWindow);
        var tail = bytes[start..];
        for (int i = tail.Length - 2; i >= 0; i--)
        {
            if (tail[i] == 0xFF && tail[i + 1] == 0xD9)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the bytes start like a JPEG (SOI marker FF D8, then another marker).</summary>
    public static bool IsJpeg(ReadOnlySpan<byte> head) =>
        head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF;

    /// <summary>
    /// Whether the file is a JPEG (by content, not by name) that lacks its end-of-image marker.
    /// Reads only the first bytes and the last <see cref="TailWindow"/> bytes.
    /// </summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to read the file.</exception>
    public static bool IsTruncatedJpegFile(string path)
    {
        if (FileKind.NotRegular(path) is { } kind)
        {
            throw new IOException(kind);   // opening a named pipe would wait for ever
        }

        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[3];
        if (stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length || !IsJpeg(head))
        {
            return false;
        }

        long start = Math.Max(0, stream.Length - TailWindow);
        var tail = new byte[stream.Length - start];
        stream.Position = start;
        stream.ReadExactly(tail);
        return !HasEndOfImage(tail);
    }
}
