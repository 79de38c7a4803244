using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Text;
using System.Text.Json;

namespace Rnn.Core.Serialization;

/// <summary>
/// Builds a safetensors file: an 8-byte little-endian header length, a JSON header
/// <c>{"__metadata__": {..}, name: {"dtype", "shape", "data_offsets"}}</c> padded with spaces to a
/// multiple of 8 bytes, then the tensors' bytes back to back in the order they were added.
/// Format: https://github.com/huggingface/safetensors (README, "Format").
/// </summary>
/// <example>
/// <code>
/// var writer = new SafeTensorsWriter();
/// writer.Metadata["format"] = "rnn-core";
/// writer.Add("rnn.weight_ih", weights, SafeTensorDType.F16);
/// writer.Save("model/weights.safetensors");   // atomic
/// </code>
/// </example>
public sealed class SafeTensorsWriter
{
    private readonly List<Entry> entries = new();
    private readonly HashSet<string> names = new(StringComparer.Ordinal);

    /// <summary>Free-form string pairs stored under "__metadata__" (omitted when empty).</summary>
    public IDictionary<string, string> Metadata { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Number of tensors added so far.</summary>
    public int Count => entries.Count;

    /// <summary>Adds a tensor's current values (copied now), stored as <paramref name="dtype"/>.</summary>
    public SafeTensorsWriter Add(string name, Tensor tensor, SafeTensorDType dtype = SafeTensorDType.F32) =>
        Add(name, tensor.Shape, tensor.ToArray(), dtype);

    /// <summary>Adds host values of the given shape (copied now), stored as <paramref name="dtype"/>.</summary>
    /// <param name="name">Unique tensor name, e.g. "encoder.lstm.weight_ih"; "__metadata__" is reserved.</param>
    /// <param name="shape">Dimensions; their product must equal the number of values.</param>
    /// <param name="values">Row-major elements.</param>
    /// <param name="dtype">F32, F16 (round to nearest even) or BF16 (round to nearest even).</param>
    public SafeTensorsWriter Add(
        string name, ReadOnlySpan<int> shape, ReadOnlySpan<float> values, SafeTensorDType dtype = SafeTensorDType.F32)
    {
        CheckName(name);
        int count = Rnn.Core.Shape.Size(shape);
        if (count != values.Length)
        {
            throw new ArgumentException(
                $"tensor '{name}' has shape {Rnn.Core.Shape.Format(shape)} ({count} elements) " +
                $"but {values.Length} values");
        }

        entries.Add(new Entry(name, dtype, shape.ToArray(), Encode(name, values, dtype)));
        names.Add(name);
        return this;
    }

    /// <summary>
    /// When true, the header also records a SHA-256 of the data region under
    /// <see cref="SafeTensors.DataChecksumKey"/>, so a reader can tell weights whose bytes changed
    /// after the write (a failing disk, a bad copy), which the header's own checks miss whenever the
    /// size is unchanged. Model weights are written so (<see cref="ModelIo.SaveWeights"/>).
    /// </summary>
    public bool RecordDataChecksum { get; set; }

    /// <summary>Writes the complete file to a stream.</summary>
    public void WriteTo(Stream stream)
    {
        byte[] header = BuildHeader();
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (var entry in entries)
        {
            stream.Write(entry.Data);
        }
    }

    /// <summary>The complete file as bytes.</summary>
    public byte[] ToArray()
    {
        using var memory = new MemoryStream();
        WriteTo(memory);
        return memory.ToArray();
    }

    /// <summary>Writes the file atomically (see <see cref="AtomicFile"/>).</summary>
    public void Save(string path) => AtomicFile.Write(path, WriteTo);

    private byte[] BuildHeader()
    {
        using var memory = new MemoryStream();
        using (var json = new Utf8JsonWriter(memory))
        {
            json.WriteStartObject();
            if (Metadata.Count > 0 || RecordDataChecksum)
            {
                json.WriteStartObject(SafeTensors.MetadataKey);
                foreach (var (key, value) in Metadata)
                {
                    if (RecordDataChecksum && key == SafeTensors.DataChecksumKey)
                    {
                        throw new ArgumentException(
                            $"metadata key '{SafeTensors.DataChecksumKey}' is reserved for the data checksum");
                    }

                    json.WriteString(key, value);
                }

                if (RecordDataChecksum)
                {
                    var data = entries.Select(e => new ReadOnlyMemory<byte>(e.Data));
                    json.WriteString(SafeTensors.DataChecksumKey, Sha256Field.Format(Sha256Field.Hash(data)));
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var entry in entries)
            {
                json.WriteStartObject(entry.Name);
                json.WriteString("dtype", entry.DType.ToString());
                json.WriteStartArray("shape");
                foreach (int d in entry.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + entry.Data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += entry.Data.Length;
            }

            json.WriteEndObject();
        }

        // Spaces after the JSON keep the data region 8-byte aligned (the spec allows trailing spaces).
        int length = (int)memory.Length;
        int padded = (length + 7) / 8 * 8;
        for (int i = length; i < padded; i++)
        {
            memory.WriteByte((byte)' ');
        }

        return memory.ToArray();
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name == SafeTensors.MetadataKey)
        {
            throw new ArgumentException($"tensor name '{name}' is empty or reserved");
        }

        if (names.Contains(name))
        {
            throw new ArgumentException($"tensor '{name}' was already added");
        }
    }

    private static byte[] Encode(string name, ReadOnlySpan<float> values, SafeTensorDType dtype)
    {
        switch (dtype)
        {
            case SafeTensorDType.F32:
            {
                var bytes = new byte[values.Length * 4];
                for (int i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
                }

                return bytes;
            }

            case SafeTensorDType.F16:
            {
                var halves = new Half[values.Length];
                TensorPrimitives.ConvertToHalf(values, halves);
                var bytes = new byte[values.Length * 2];
                for (int i = 0; i < halves.Length; i++)
                {
                    BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), halves[i]);
                }

                return bytes;
            }

            case SafeTensorDType.BF16:
            {
                var bytes = new byte[values.Length * 2];
                for (int i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), SafeTensors.ToBFloat16(values[i]));
                }

                return bytes;
            }

            default:
                throw new NotSupportedException(
                    $"tensor '{name}': writing dtype {dtype} is not supported; use F32, F16 or BF16");
        }
    }

    private sealed record Entry(string Name, SafeTensorDType DType, int[] Shape, byte[] Data);
}
