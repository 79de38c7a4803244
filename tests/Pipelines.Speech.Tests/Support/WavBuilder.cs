using System.Buffers.Binary;
using System.Text;
using NAudio.Codecs;

namespace Pipelines.Speech.Tests.Support;

/// <summary>
/// Builds WAV files byte by byte, so each test owns exactly the header it needs: any format tag,
/// WAVE_FORMAT_EXTENSIBLE, extra (odd-sized) chunks, and data sizes that lie.
/// </summary>
internal sealed class WavBuilder
{
    public int Tag { get; init; } = 1;
    public int Channels { get; init; } = 1;
    public int SampleRate { get; init; } = 16000;
    public int Bits { get; init; } = 16;
    public bool Extensible { get; init; }
    public int? BlockAlignOverride { get; init; }
    public uint? DataSizeOverride { get; init; }
    public string Riff { get; init; } = "RIFF";

    /// <summary>Chunks written between fmt and data, as (id, body).</summary>
    public List<(string Id, byte[] Body)> ChunksBeforeData { get; } = [];

    /// <summary>Chunks written after the data chunk.</summary>
    public List<(string Id, byte[] Body)> ChunksAfterData { get; } = [];

    public byte[] Build(byte[] data)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write(Encoding.ASCII.GetBytes(Riff));
        w.Write(0u); // patched below
        w.Write(Encoding.ASCII.GetBytes("WAVE"));
        WriteChunk(w, "fmt ", Fmt());
        foreach (var (id, body) in ChunksBeforeData) WriteChunk(w, id, body);
        w.Write(Encoding.ASCII.GetBytes("data"));
        w.Write(DataSizeOverride ?? (uint)data.Length);
        w.Write(data);
        if (data.Length % 2 == 1 && ChunksAfterData.Count > 0) w.Write((byte)0);
        foreach (var (id, body) in ChunksAfterData) WriteChunk(w, id, body);
        w.Flush();
        byte[] bytes = ms.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(bytes.Length - 8));
        return bytes;
    }

    public static void WriteChunk(BinaryWriter w, string id, byte[] body)
    {
        w.Write(Encoding.ASCII.GetBytes(id));
        w.Write((uint)body.Length);
        w.Write(body);
        if (body.Length % 2 == 1) w.Write((byte)0); // RIFF pad byte
    }

    private byte[] Fmt()
    {
        int blockAlign = BlockAlignOverride ?? Channels * Bits / 8;
        var f = new byte[Extensible ? 40 : 16];
        var s = f.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)(Extensible ? 0xFFFE : Tag));
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], (ushort)Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], (uint)SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], (uint)(SampleRate * blockAlign));
        BinaryPrimitives.WriteUInt16LittleEndian(s[12..], (ushort)blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(s[14..], (ushort)Bits);
        if (Extensible)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(s[16..], 22);
            BinaryPrimitives.WriteUInt16LittleEndian(s[18..], (ushort)Bits);
            BinaryPrimitives.WriteUInt32LittleEndian(s[20..], Channels == 2 ? 3u : 4u);
            // KSDATAFORMAT_SUBTYPE_xxx = 0000tttt-0000-0010-8000-00AA00389B71, tag in Data1.
            new Guid((uint)Tag, 0, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71).TryWriteBytes(s[24..]);
        }
        return f;
    }

    /// <summary>Encodes interleaved samples in [-1, 1] to PCM or float bytes.</summary>
    public static byte[] Encode(float[] samples, int tag, int bits)
    {
        var bytes = new byte[samples.Length * bits / 8];
        var s = bytes.AsSpan();
        for (int i = 0; i < samples.Length; i++)
        {
            double x = Math.Clamp(samples[i], -1f, 1f);
            Span<byte> at = s.Slice(i * bits / 8, bits / 8);
            switch (tag, bits)
            {
                case (1, 8): at[0] = (byte)Math.Round(x * 127 + 128); break;
                case (1, 16): BinaryPrimitives.WriteInt16LittleEndian(at, (short)Math.Round(x * 32767)); break;
                case (1, 24):
                    int v24 = (int)Math.Round(x * 8388607);
                    at[0] = (byte)v24; at[1] = (byte)(v24 >> 8); at[2] = (byte)(v24 >> 16);
                    break;
                case (1, 32): BinaryPrimitives.WriteInt32LittleEndian(at, (int)Math.Round(x * 2147483647)); break;
                case (3, 32): BinaryPrimitives.WriteSingleLittleEndian(at, (float)x); break;
                case (3, 64): BinaryPrimitives.WriteDoubleLittleEndian(at, x); break;
                case (6, 8): at[0] = ALawEncoder.LinearToALawSample((short)Math.Round(x * 32767)); break;
                case (7, 8): at[0] = MuLawEncoder.LinearToMuLawSample((short)Math.Round(x * 32767)); break;
                default: throw new ArgumentException($"no encoder for tag {tag}, {bits} bits");
            }
        }
        return bytes;
    }

    /// <summary>Interleaves per-channel arrays of equal length.</summary>
    public static float[] Interleave(params float[][] channels)
    {
        int n = channels[0].Length, c = channels.Length;
        var x = new float[n * c];
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++) x[i * c + ch] = channels[ch][i];
        return x;
    }
}
