using System.Buffers.Binary;
using System.Text;

namespace Rnn.Core.Onnx;

/// <summary>
/// A minimal protocol-buffers wire encoder, enough to write ONNX models without a protobuf library.
/// Wire format (https://protobuf.dev/programming-guides/encoding/): each field is a varint tag
/// (field number &lt;&lt; 3 | wire type) then its value: wire type 0 = varint, 1 = 8 bytes little-endian,
/// 2 = varint length then bytes (strings, bytes, nested messages, packed repeated), 5 = 4 bytes.
/// </summary>
internal sealed class ProtoWriter
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly MemoryStream buffer = new();

    /// <summary>Bytes written so far.</summary>
    public byte[] ToArray() => buffer.ToArray();

    /// <summary>
    /// A varint field. Negative int64/int32 values take ten bytes (two's complement), as protobuf does.
    /// </summary>
    public ProtoWriter Int64(int field, long value)
    {
        Tag(field, Varint);
        WriteVarint(unchecked((ulong)value));
        return this;
    }

    /// <summary>A float field (wire type 5).</summary>
    public ProtoWriter Float(int field, float value)
    {
        Tag(field, Fixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        buffer.Write(bytes);
        return this;
    }

    /// <summary>A UTF-8 string field.</summary>
    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A bytes field.</summary>
    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        buffer.Write(value);
        return this;
    }

    /// <summary>A nested message, built by <paramref name="build"/> and written length-delimited.</summary>
    public ProtoWriter Message(int field, Action<ProtoWriter> build)
    {
        var inner = new ProtoWriter();
        build(inner);
        return Bytes(field, inner.ToArray());
    }

    /// <summary>Writes the raw varint encoding of <paramref name="value"/> (7 bits a byte, low first).</summary>
    public void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        buffer.WriteByte((byte)value);
    }

    private void Tag(int field, int wireType)
    {
        if (field <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(field), $"protobuf field numbers start at 1; got {field}");
        }

        WriteVarint(((ulong)field << 3) | (uint)wireType);
    }
}
