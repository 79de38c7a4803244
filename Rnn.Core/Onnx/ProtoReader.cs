using System.Buffers.Binary;
using System.Text;

namespace Rnn.Core.Onnx;

/// <summary>One decoded protobuf field: its number, wire type, and either a scalar or a byte range.</summary>
internal readonly record struct ProtoField(int Number, int WireType, ulong Scalar, ReadOnlyMemory<byte> Payload)
{
    public long Int64 => unchecked((long)Scalar);

    public float Float => BitConverter.Int32BitsToSingle(unchecked((int)Scalar));

    public string String => Encoding.UTF8.GetString(Payload.Span);

    public ProtoReader Message => new(Payload);
}

/// <summary>
/// A bounds-checked protobuf wire decoder (the reverse of <see cref="ProtoWriter"/>): iterates the
/// fields of one message. Malformed input (a varint over 10 bytes, a length past the end, a group or
/// unknown wire type) throws <see cref="InvalidDataException"/>.
/// </summary>
internal readonly struct ProtoReader
{
    private readonly ReadOnlyMemory<byte> data;

    public ProtoReader(ReadOnlyMemory<byte> data) => this.data = data;

    /// <summary>Every field in order; repeated fields appear once per occurrence.</summary>
    public IEnumerable<ProtoField> Fields()
    {
        int position = 0;
        while (position < data.Length)
        {
            ulong tag = ReadVarint(data.Span, ref position);
            int number = (int)(tag >> 3);
            int wireType = (int)(tag & 7);
            if (number <= 0 || tag >> 3 > int.MaxValue)
            {
                throw new InvalidDataException($"protobuf field number {tag >> 3} at byte {position} is invalid");
            }

            yield return ReadValue(number, wireType, ref position);
        }
    }

    /// <summary>Values of a repeated int64 field, packed or not (protobuf parsers must accept both).</summary>
    public static IEnumerable<long> Int64s(ProtoField field)
    {
        if (field.WireType == ProtoWriter.Varint)
        {
            return new[] { field.Int64 };
        }

        var values = new List<long>();
        var span = field.Payload.Span;
        int position = 0;
        while (position < span.Length)
        {
            values.Add(unchecked((long)ReadVarint(span, ref position)));
        }

        return values;
    }

    /// <summary>Values of a repeated float field, packed or not.</summary>
    public static float[] Floats(ProtoField field)
    {
        if (field.WireType == ProtoWriter.Fixed32)
        {
            return new[] { field.Float };
        }

        var span = field.Payload.Span;
        if (field.WireType != ProtoWriter.LengthDelimited || span.Length % 4 != 0)
        {
            throw new InvalidDataException(
                $"packed float field {field.Number} has {span.Length} bytes, not a multiple of 4");
        }

        var values = new float[span.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(span.Slice(i * 4));
        }

        return values;
    }

    private ProtoField ReadValue(int number, int wireType, ref int position)
    {
        var span = data.Span;
        switch (wireType)
        {
            case ProtoWriter.Varint:
                return new ProtoField(number, wireType, ReadVarint(span, ref position), default);
            case ProtoWriter.Fixed64:
                Need(8, position, number);
                position += 8;
                ulong fixed64 = BinaryPrimitives.ReadUInt64LittleEndian(span[(position - 8)..]);
                return new ProtoField(number, wireType, fixed64, default);
            case ProtoWriter.Fixed32:
                Need(4, position, number);
                position += 4;
                uint fixed32 = BinaryPrimitives.ReadUInt32LittleEndian(span[(position - 4)..]);
                return new ProtoField(number, wireType, fixed32, default);
            case ProtoWriter.LengthDelimited:
                ulong length = ReadVarint(span, ref position);
                if (length > (ulong)(data.Length - position))
                {
                    throw new InvalidDataException(
                        $"protobuf field {number} claims {length} bytes at byte {position}; " +
                        $"only {data.Length - position} remain");
                }

                position += (int)length;
                return new ProtoField(number, wireType, length, data.Slice(position - (int)length, (int)length));
            default:
                throw new InvalidDataException($"protobuf field {number} has unsupported wire type {wireType}");
        }
    }

    private void Need(int bytes, int position, int number)
    {
        if (data.Length - position < bytes)
        {
            throw new InvalidDataException(
                $"protobuf field {number} needs {bytes} bytes at byte {position}; the message ends");
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (position >= span.Length)
            {
                throw new InvalidDataException($"protobuf varint runs past the end at byte {position}");
            }

            byte b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException($"protobuf varint longer than 10 bytes ending at byte {position}");
    }
}
