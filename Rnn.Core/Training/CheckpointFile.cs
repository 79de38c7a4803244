using System.Buffers.Binary;
using System.Text.Json;

namespace Rnn.Core.Training;

/// <summary>
/// The on-disk container of a training checkpoint: named float32 tensors with shapes, plus
/// string metadata. This is the one class that knows the byte layout, so the format can change
/// (to safetensors) without touching the trainer.
/// </summary>
/// <remarks>
/// Layout (little-endian): 8 bytes magic "RNNCKPT1", int32 header length, UTF-8 JSON header
/// <c>{"metadata": {..}, "tensors": [{"name", "shape"}]}</c>, then each tensor's float32 values
/// in header order. Writes are atomic: a temp file in the same folder, flushed to disk, renamed
/// over the target. Loading checks every size against the file before allocating.
/// TODO: switch to Rnn.Core.Serialization.SafeTensors + AtomicFile when they land on main.
/// </remarks>
public sealed class CheckpointFile
{
    private static readonly byte[] Magic = "RNNCKPT1"u8.ToArray();
    private readonly List<(string Name, int[] Shape, float[] Values)> tensors = new();

    /// <summary>Free-form string pairs (step, epoch, RNG states...).</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>The tensors in the order they were added or read.</summary>
    public IReadOnlyList<(string Name, int[] Shape, float[] Values)> Tensors => tensors;

    /// <summary>Adds a tensor (the values are not copied).</summary>
    public void Add(string name, int[] shape, float[] values)
    {
        if (Rnn.Core.Shape.Size(shape) != values.Length)
        {
            throw new ArgumentException($"checkpoint tensor '{name}': shape {Rnn.Core.Shape.Format(shape)} but {values.Length} values");
        }

        if (tensors.Any(t => t.Name == name))
        {
            throw new ArgumentException($"checkpoint already has a tensor named '{name}'");
        }

        tensors.Add((name, shape, values));
    }

    /// <summary>The values of a tensor, or null when the file has none of that name.</summary>
    public float[]? Find(string name) => tensors.FirstOrDefault(t => t.Name == name).Values;

    /// <summary>Writes the file atomically (the folder is created when missing).</summary>
    public void Save(string path)
    {
        string target = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                WriteTo(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private void WriteTo(Stream stream)
    {
        var header = new Header
        {
            Metadata = new SortedDictionary<string, string>(Metadata, StringComparer.Ordinal),
            Tensors = tensors.Select(t => new HeaderTensor { Name = t.Name, Shape = t.Shape }).ToList(),
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, json.Length);
        stream.Write(Magic);
        stream.Write(length);
        stream.Write(json);
        foreach (var (_, _, values) in tensors)
        {
            var bytes = new byte[values.Length * sizeof(float)];
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
            }

            stream.Write(bytes);
        }
    }

    /// <summary>Reads and validates a file written by <see cref="Save"/>.</summary>
    public static CheckpointFile Load(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < Magic.Length + 4 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"'{path}' is not a checkpoint (no RNNCKPT1 magic; {bytes.Length} bytes)");
        }

        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(Magic.Length));
        int dataStart = Magic.Length + 4 + headerLength;
        if (headerLength <= 0 || dataStart > bytes.Length)
        {
            throw new InvalidDataException($"'{path}': header length {headerLength} does not fit in {bytes.Length} bytes");
        }

        Header header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(bytes.AsSpan(Magic.Length + 4, headerLength))
                ?? throw new InvalidDataException($"'{path}': empty checkpoint header");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}': checkpoint header is not valid JSON: {e.Message}", e);
        }

        return Decode(path, header, bytes.AsSpan(dataStart));
    }

    private static CheckpointFile Decode(string path, Header header, ReadOnlySpan<byte> data)
    {
        var file = new CheckpointFile();
        foreach (var (key, value) in header.Metadata ?? new SortedDictionary<string, string>())
        {
            file.Metadata[key] = value;
        }

        long offset = 0;
        foreach (var t in header.Tensors ?? new List<HeaderTensor>())
        {
            int[] shape = t.Shape ?? Array.Empty<int>();
            long count = shape.Aggregate(1L, (n, d) => d < 0 ? -1 : n * d);
            if (t.Name is null || count < 0 || offset + count * sizeof(float) > data.Length)
            {
                throw new InvalidDataException(
                    $"'{path}': tensor '{t.Name}' of shape [{string.Join(", ", shape)}] runs past the end of the file");
            }

            var values = new float[count];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(data.Slice((int)offset + i * sizeof(float)));
            }

            offset += count * sizeof(float);
            file.Add(t.Name, shape, values);
        }

        if (offset != data.Length)
        {
            throw new InvalidDataException($"'{path}': {data.Length - offset} bytes after the last tensor (truncated header?)");
        }

        return file;
    }

    private sealed class Header
    {
        [System.Text.Json.Serialization.JsonPropertyName("metadata")]
        public SortedDictionary<string, string>? Metadata { get; set; }

        [System.Text.Json.Serialization.JsonPropertyName("tensors")]
        public List<HeaderTensor>? Tensors { get; set; }
    }

    private sealed class HeaderTensor
    {
        [System.Text.Json.Serialization.JsonPropertyName("name")]
        public string? Name { get; set; }

        [System.Text.Json.Serialization.JsonPropertyName("shape")]
        public int[]? Shape { get; set; }
    }
}
