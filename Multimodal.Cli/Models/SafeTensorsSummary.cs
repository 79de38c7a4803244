using System.Buffers.Binary;
using System.Text.Json;

namespace Multimodal.Cli.Models;

/// <summary>
/// Reads only the header of a safetensors file (8-byte little-endian header length, then a JSON
/// object of name -> {dtype, shape, data_offsets}) to check the file is well formed and count
/// its parameters, without loading the weights.
/// Format: https://github.com/huggingface/safetensors#format
/// </summary>
/// <remarks>Limit: the CLI's own check until Rnn.Core.Serialization.SafeTensors lands on main.</remarks>
public sealed class SafeTensorsSummary
{
    // A header larger than this is corrupt or hostile; the upstream reader uses the same bound.
    private const long MaxHeaderBytes = 100_000_000;

    private SafeTensorsSummary(int tensorCount, long parameterCount)
    {
        TensorCount = tensorCount;
        ParameterCount = parameterCount;
    }

    /// <summary>Number of tensors in the file.</summary>
    public int TensorCount { get; }

    /// <summary>Total number of elements over all tensors.</summary>
    public long ParameterCount { get; }

    /// <summary>Reads and checks the header of <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The header is malformed; the message says how.</exception>
    public static SafeTensorsSummary Read(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> prefix = stackalloc byte[8];
        if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
        {
            throw new InvalidDataException($"file is {stream.Length} bytes, shorter than the 8-byte header length");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        var dataLength = stream.Length - 8 - (long)Math.Min(headerLength, (ulong)long.MaxValue);
        if (headerLength > MaxHeaderBytes || dataLength < 0)
        {
            throw new InvalidDataException(
                $"header length {headerLength} does not fit in a file of {stream.Length} bytes");
        }

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        return Parse(header, dataLength);
    }

    private static SafeTensorsSummary Parse(byte[] header, long dataLength)
    {
        using var doc = ParseJson(header);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"header is a JSON {doc.RootElement.ValueKind}, expected an object");
        }

        var tensors = 0;
        long parameters = 0;
        foreach (var entry in doc.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
            {
                continue;
            }

            parameters += CheckTensor(entry.Name, entry.Value, dataLength);
            tensors++;
        }

        return new SafeTensorsSummary(tensors, parameters);
    }

    private static JsonDocument ParseJson(byte[] header)
    {
        try
        {
            return JsonDocument.Parse(header);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"header is not valid JSON ({ex.Message})", ex);
        }
    }

    /// <summary>Checks one tensor entry and returns its element count.</summary>
    private static long CheckTensor(string name, JsonElement tensor, long dataLength)
    {
        if (tensor.ValueKind != JsonValueKind.Object
            || !tensor.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !tensor.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !tensor.TryGetProperty("data_offsets", out var offsets) || offsets.GetArrayLength() != 2)
        {
            throw new InvalidDataException($"tensor '{name}' lacks dtype, shape or a [begin, end] data_offsets");
        }

        long elements = 1;
        foreach (var dim in shape.EnumerateArray())
        {
            if (!dim.TryGetInt64(out var size) || size < 0)
            {
                throw new InvalidDataException($"tensor '{name}' has a bad dimension {dim.GetRawText()}");
            }

            elements = checked(elements * size);
        }

        var begin = offsets[0].GetInt64();
        var end = offsets[1].GetInt64();
        if (begin < 0 || end < begin || end > dataLength)
        {
            throw new InvalidDataException(
                $"tensor '{name}' data_offsets [{begin}, {end}] fall outside the {dataLength}-byte data section");
        }

        return elements;
    }
}
