using System.Text;

namespace Pipelines.Captioning.Encoders;

/// <summary>
/// Makes the first dimension of every graph input, output and value_info of an ONNX model
/// symbolic ("batch"), so a model exported for batch 1 (as ResNet18.onnx is, [1, 3, 224, 224])
/// runs several images per call. Only the shape declarations change; the graph must not itself
/// bake in the batch size (no Reshape with a constant 1), which the caller verifies by comparing
/// batched features with one-at-a-time features. Works on the protobuf wire format directly:
/// every other field is copied byte for byte.
/// </summary>
internal static class OnnxBatchDimension
{
    // onnx.proto field numbers.
    private const int ModelGraph = 7;
    private const int GraphInput = 11;
    private const int GraphOutput = 12;
    private const int GraphValueInfo = 13;
    private const int ValueInfoType = 2;
    private const int TypeTensor = 1;
    private const int TensorShape = 2;
    private const int ShapeDim = 1;
    private const int DimParam = 2;

    public static byte[] MakeDynamic(byte[] model, string name = "batch")
    {
        var dim = Field(ShapeDim, Field(DimParam, Encoding.UTF8.GetBytes(name)));
        var rewritten = Rewrite(model, ModelGraph, graph => Rewrite(graph,
            f => f is GraphInput or GraphOutput or GraphValueInfo,
            info => Rewrite(info, ValueInfoType, type => Rewrite(type, TypeTensor, tensor =>
                Rewrite(tensor, TensorShape, shape => ReplaceFirst(shape, ShapeDim, dim))))));
        return rewritten.Count == rewritten.Array!.Length ? rewritten.Array : rewritten.ToArray();
    }

    private static ArraySegment<byte> Rewrite(
        ArraySegment<byte> message, int field, Func<ArraySegment<byte>, ArraySegment<byte>> change) =>
        Rewrite(message, f => f == field, change);

    // Copies a message, passing the payload of each matching length-delimited field through change.
    // Payloads go in and out as segments of the buffers they are in, not as copies: the graph of
    // ResNet18.onnx is 64 MB of weights, and copying it at every level (a slice in, an array out,
    // a field around it, the stream's own array) took the managed heap past 500 MB for one model.
    // Every field written here is copied once, into the stream of its parent, whose buffer has the
    // room for the few bytes the new dimensions add.
    private static ArraySegment<byte> Rewrite(
        ArraySegment<byte> message, Func<int, bool> match, Func<ArraySegment<byte>, ArraySegment<byte>> change)
    {
        var output = new MemoryStream(message.Count + 64 * 1024);
        foreach (var (number, wire, start, payloadStart, end) in Fields(message))
        {
            if (wire == 2 && match(number))
            {
                WriteField(output, number, change(message.Slice(payloadStart, end - payloadStart)));
            }
            else
            {
                output.Write(message.AsSpan(start, end - start));
            }
        }

        return new ArraySegment<byte>(output.GetBuffer(), 0, (int)output.Length);
    }

    private static ArraySegment<byte> ReplaceFirst(ArraySegment<byte> message, int field, byte[] replacement)
    {
        var output = new MemoryStream(message.Count + 16);
        bool done = false;
        foreach (var (number, wire, start, _, end) in Fields(message))
        {
            if (!done && wire == 2 && number == field)
            {
                output.Write(replacement);
                done = true;
            }
            else
            {
                output.Write(message.AsSpan(start, end - start));
            }
        }

        return new ArraySegment<byte>(output.GetBuffer(), 0, (int)output.Length);
    }

    // The fields of a message: positions relative to the segment's start.
    private static IEnumerable<(int Number, int Wire, int Start, int PayloadStart, int End)> Fields(
        ArraySegment<byte> message)
    {
        int pos = 0;
        while (pos < message.Count)
        {
            int start = pos;
            ulong tag = ReadVarint(message, ref pos);
            int wire = (int)(tag & 7);
            int number = (int)(tag >> 3);
            int payloadStart = pos;
            switch (wire)
            {
                case 0:
                    ReadVarint(message, ref pos);
                    break;
                case 1:
                    pos += 8;
                    break;
                case 2:
                    ulong length = ReadVarint(message, ref pos);
                    if (length > (ulong)(message.Count - pos))
                    {
                        throw new InvalidDataException($"ONNX field {number} at byte {start} runs past the end");
                    }

                    payloadStart = pos;
                    pos += (int)length;
                    break;
                case 5:
                    pos += 4;
                    break;
                default:
                    throw new InvalidDataException($"ONNX field {number} at byte {start} has wire type {wire}");
            }

            if (pos > message.Count)
            {
                throw new InvalidDataException($"ONNX field {number} at byte {start} runs past the end");
            }

            yield return (number, wire, start, payloadStart, pos);
        }
    }

    private static ulong ReadVarint(ArraySegment<byte> data, ref int pos)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Count)
            {
                throw new InvalidDataException("ONNX varint runs past the end");
            }

            byte b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("ONNX varint longer than 10 bytes");
    }

    private static byte[] Field(int number, byte[] payload)
    {
        var output = new MemoryStream(payload.Length + 8);
        WriteField(output, number, payload);
        return output.ToArray();
    }

    private static void WriteField(Stream output, int number, ReadOnlySpan<byte> payload)
    {
        WriteVarint(output, ((ulong)number << 3) | 2);
        WriteVarint(output, (ulong)payload.Length);
        output.Write(payload);
    }

    private static void WriteVarint(Stream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        output.WriteByte((byte)value);
    }
}
