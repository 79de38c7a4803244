namespace Pipelines.Speech.Audio;

/// <summary>MPEG audio version, from bits 19-20 of a frame header.</summary>
public enum MpegVersion
{
    /// <summary>MPEG-1 (32, 44.1, 48 kHz).</summary>
    Mpeg1,

    /// <summary>MPEG-2 low sampling frequencies (16, 22.05, 24 kHz).</summary>
    Mpeg2,

    /// <summary>The unofficial MPEG-2.5 extension (8, 11.025, 12 kHz).</summary>
    Mpeg25,
}

/// <summary>
/// One decoded 4-byte MPEG audio frame header (ISO/IEC 11172-3 2.4.1.3 and 13818-3, plus the
/// MPEG-2.5 extension, which uses version bits 00).
/// </summary>
internal readonly record struct MpegFrameHeader(MpegVersion Version, int Layer, int BitrateKbps,
    int SampleRate, int Channels, int FrameLength)
{
    private static readonly int[][] BitratesV1 =
    [
        [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
        [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
        [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    ];

    private static readonly int[][] BitratesV2 =
    [
        [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
        [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
        [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    ];

    private static readonly int[] RatesV1 = [44100, 48000, 32000];

    /// <summary>Parses <paramref name="b"/> (at least 4 bytes); false if it is no valid header.
    /// Free-format frames (bit-rate index 0) are treated as invalid: their length is unknown.</summary>
    public static bool TryParse(ReadOnlySpan<byte> b, out MpegFrameHeader header)
    {
        header = default;
        if (b.Length < 4 || b[0] != 0xFF || (b[1] & 0xE0) != 0xE0) return false;
        int versionBits = (b[1] >> 3) & 3, layerBits = (b[1] >> 1) & 3;
        int bitrateIndex = b[2] >> 4, rateIndex = (b[2] >> 2) & 3, padding = (b[2] >> 1) & 1;
        if (versionBits == 1 || layerBits == 0 || bitrateIndex is 0 or 15 || rateIndex == 3) return false;

        MpegVersion version = versionBits switch
        {
            3 => MpegVersion.Mpeg1,
            2 => MpegVersion.Mpeg2,
            _ => MpegVersion.Mpeg25,
        };
        int layer = 4 - layerBits;
        int divisor = version switch { MpegVersion.Mpeg1 => 1, MpegVersion.Mpeg2 => 2, _ => 4 };
        int rate = RatesV1[rateIndex] / divisor;
        int kbps = (version == MpegVersion.Mpeg1 ? BitratesV1 : BitratesV2)[layer - 1][bitrateIndex];
        int channels = (b[3] >> 6) == 3 ? 1 : 2;
        int length = layer == 1
            ? (12 * kbps * 1000 / rate + padding) * 4
            : (layer == 3 && version != MpegVersion.Mpeg1 ? 72 : 144) * kbps * 1000 / rate + padding;
        header = new MpegFrameHeader(version, layer, kbps, rate, channels, length);
        return true;
    }

    /// <summary>E.g. "MPEG-2 Layer III, 16000 Hz".</summary>
    public string Description =>
        $"{Version switch { MpegVersion.Mpeg1 => "MPEG-1", MpegVersion.Mpeg2 => "MPEG-2", _ => "MPEG-2.5" }} " +
        $"Layer {new[] { "I", "II", "III" }[Layer - 1]}, {SampleRate} Hz";
}
