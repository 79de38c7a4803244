namespace Pipelines.Speech.Audio;

/// <summary>
/// G.711 expansion to 16-bit linear PCM, written from the ITU-T G.711 (11/88) tables: NAudio's
/// <c>ToSampleProvider()</c> refuses A-law and mu-law ("Unsupported source encoding"), so the
/// WAV reader expands them here.
/// </summary>
internal static class G711
{
    private static readonly short[] ALawTable = BuildTable(ExpandALaw);
    private static readonly short[] MuLawTable = BuildTable(ExpandMuLaw);

    /// <summary>A-law code to linear sample (range -32256..32256).</summary>
    public static short ALawToLinear(byte code) => ALawTable[code];

    /// <summary>Mu-law code to linear sample (range -32124..32124).</summary>
    public static short MuLawToLinear(byte code) => MuLawTable[code];

    private static short[] BuildTable(Func<byte, short> expand)
    {
        var table = new short[256];
        for (int i = 0; i < 256; i++) table[i] = expand((byte)i);
        return table;
    }

    // A-law: even bits are inverted on the line (xor 0x55); sign bit set means positive;
    // 3-bit segment and 4-bit step, with the half-step offset that centres each interval.
    private static short ExpandALaw(byte code)
    {
        int a = code ^ 0x55;
        int segment = (a >> 4) & 0x07;
        int step = a & 0x0F;
        int magnitude = segment == 0 ? (step << 4) + 8 : ((step << 4) + 0x108) << (segment - 1);
        return (short)((a & 0x80) != 0 ? magnitude : -magnitude);
    }

    // Mu-law: all bits inverted on the line; the biased magnitude ((step*8)+132) << segment
    // is taken back by the bias 132 (0x84); sign bit set means negative.
    private static short ExpandMuLaw(byte code)
    {
        int u = ~code & 0xFF;
        int segment = (u >> 4) & 0x07;
        int step = u & 0x0F;
        int magnitude = ((step << 3) + 0x84) << segment;
        return (short)((u & 0x80) != 0 ? 0x84 - magnitude : magnitude - 0x84);
    }
}
