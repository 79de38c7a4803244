namespace Pipelines.Video.Decoding;

/// <summary>
/// Reads the chroma subsampling of a JPEG image from its start-of-frame header (ITU-T T.81,
/// B.2.2: per component an id, then horizontal and vertical sampling factors in one byte), e.g.
/// "2x1,1x1,1x1" for 4:2:2. Used on the raw packets of MJPEG streams.
/// </summary>
internal static class JpegSampling
{
    /// <summary>The sampling factors per component, or null when no frame header is found.</summary>
    public static string? Read(ReadOnlySpan<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            return null;
        }

        int at = 2;
        while (at + 4 <= jpeg.Length)
        {
            if (jpeg[at] != 0xFF)
            {
                return null;   // not at a marker: damaged or not a JPEG
            }

            byte marker = jpeg[at + 1];
            if (marker == 0xFF)
            {
                at++;   // fill byte before a marker
                continue;
            }

            int length = (jpeg[at + 2] << 8) | jpeg[at + 3];
            if (IsStartOfFrame(marker))
            {
                return Factors(jpeg.Slice(at + 4, Math.Max(0, Math.Min(length - 2, jpeg.Length - at - 4))));
            }

            if (marker == 0xDA || length < 2)
            {
                return null;   // start of scan before any frame header
            }

            at += 2 + length;
        }

        return null;
    }

    // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    private static bool IsStartOfFrame(byte marker) =>
        marker is >= 0xC0 and <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;

    private static string? Factors(ReadOnlySpan<byte> header)
    {
        // precision (1), height (2), width (2), component count (1), then 3 bytes per component.
        if (header.Length < 6)
        {
            return null;
        }

        int count = header[5];
        if (header.Length < 6 + 3 * count)
        {
            return null;
        }

        var parts = new string[count];
        for (int c = 0; c < count; c++)
        {
            byte factors = header[6 + 3 * c + 1];
            parts[c] = $"{factors >> 4}x{factors & 0xF}";
        }

        return string.Join(",", parts);
    }
}
