namespace Pipelines.Captioning.Images;

/// <summary>
/// Truncation check for JPEG files: a complete file ends with the EOI marker FF D9. In
/// entropy-coded data every FF byte is followed by 00 or a restart marker (FF D0-D7), so FF D9
/// near the end can only be the real end of the image.
/// </summary>
internal static class JpegMarkers
{
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
}
