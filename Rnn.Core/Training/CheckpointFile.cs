using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Rnn.Core.Serialization;

namespace Rnn.Core.Training;

/// <summary>
/// The on-disk container of a training checkpoint: named float32 tensors with shapes, plus
/// string metadata. This is the one class that knows the file format, so it can change
/// without touching the trainer.
/// </summary>
/// <remarks>
/// <para>
/// The file is safetensors (F32, so weights and moments round-trip bit for bit), with the
/// metadata in its "__metadata__" map, written atomically through <see cref="AtomicFile"/>;
/// other tools can open a checkpoint and read the weights.
/// </para>
/// <para>
/// Integrity: <see cref="Save"/> records a SHA-256 of the content under the metadata key
/// <see cref="ChecksumKey"/> ("sha256:" and 64 hex digits), and <see cref="Load"/> recomputes it and
/// refuses a file whose content differs: "PATH: corrupt (checksum mismatch) ...". Atomic writes
/// already rule out a file cut short by a crash; the checksum catches what they cannot, bytes changed
/// after the write (a failing disk, a bad copy), which the safetensors header checks miss whenever
/// the size is unchanged. The hash covers every metadata pair but itself and every tensor's name,
/// shape and value bytes, in a fixed order, so it does not depend on how the JSON header is laid out.
/// A checkpoint written before checksums were recorded has no such key: it still loads, unverified,
/// and <see cref="Verified"/> is false (a run in progress when the program was updated can resume).
/// SHA-256 (built into .NET) rather than a CRC keeps Rnn.Core free of packages beyond
/// System.Numerics.Tensors; it costs about a millisecond a megabyte.
/// </para>
/// </remarks>
public sealed class CheckpointFile
{
    /// <summary>The metadata key of the checksum; reserved, <see cref="Save"/> writes it.</summary>
    public const string ChecksumKey = "checksum";

    private readonly List<(string Name, int[] Shape, float[] Values)> tensors = new();
    private readonly HashSet<string> names = new(StringComparer.Ordinal);

    /// <summary>Free-form string pairs (step, epoch, RNG states...); <see cref="ChecksumKey"/> is reserved.</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>The tensors in the order they were added or read.</summary>
    public IReadOnlyList<(string Name, int[] Shape, float[] Values)> Tensors => tensors;

    /// <summary>
    /// True when <see cref="Load"/> found a checksum and the content matched it; false for a file
    /// written before checksums were recorded, and for a container built in memory.
    /// </summary>
    public bool Verified { get; private set; }

    /// <summary>Adds a tensor (the values are not copied).</summary>
    public void Add(string name, int[] shape, float[] values)
    {
        if (Rnn.Core.Shape.Size(shape) != values.Length)
        {
            throw new ArgumentException(
                $"checkpoint tensor '{name}': shape {Rnn.Core.Shape.Format(shape)} but {values.Length} values");
        }

        if (!names.Add(name))
        {
            throw new ArgumentException($"checkpoint already has a tensor named '{name}'");
        }

        tensors.Add((name, shape, values));
    }

    /// <summary>Writes the file atomically, with its checksum (the folder is created when missing).</summary>
    /// <exception cref="ArgumentException">
    /// <see cref="Metadata"/> holds the reserved <see cref="ChecksumKey"/>.
    /// </exception>
    public void Save(string path)
    {
        if (Metadata.ContainsKey(ChecksumKey))
        {
            throw new ArgumentException($"checkpoint metadata key '{ChecksumKey}' is reserved for the checksum");
        }

        var writer = new SafeTensorsWriter();
        foreach (var (key, value) in Metadata)
        {
            writer.Metadata[key] = value;
        }

        writer.Metadata[ChecksumKey] = Sha256Field.Format(ContentHash());
        foreach (var (name, shape, values) in tensors)
        {
            writer.Add(name, shape, values, SafeTensorDType.F32);
        }

        writer.Save(path);
    }

    /// <summary>
    /// Reads and validates a file written by <see cref="Save"/>, and checks its checksum when it has one.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file is malformed, or corrupt: "PATH: corrupt (checksum mismatch): ...".
    /// </exception>
    public static CheckpointFile Load(string path)
    {
        var st = SafeTensors.Load(path);
        var file = new CheckpointFile();
        foreach (var (key, value) in st.Metadata)
        {
            file.Metadata[key] = value;
        }

        foreach (var info in st.Tensors)
        {
            file.Add(info.Name, info.Shape, st.ReadFloats(info.Name));
        }

        if (file.Metadata.Remove(ChecksumKey, out string? recorded))
        {
            file.Verify(recorded, path);
        }

        return file;
    }

    private void Verify(string recorded, string path)
    {
        Sha256Field.Check(recorded, ContentHash(), path, ChecksumKey, "content");
        Verified = true;
    }

    /// <summary>
    /// SHA-256 of the content: the metadata pairs in ordinal key order (the checksum excluded), then each
    /// tensor in order as name, rank, dimensions and little-endian float32 values. Strings are UTF-8 with
    /// a length before them, so no two contents give the same byte stream.
    /// </summary>
    private byte[] ContentHash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] number = new byte[8];
        void Int(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(number, value);
            hash.AppendData(number);
        }

        void Text(string value)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(value);
            Int(bytes.Length);
            hash.AppendData(bytes);
        }

        var pairs = Metadata.Where(m => m.Key != ChecksumKey).OrderBy(m => m.Key, StringComparer.Ordinal).ToList();
        Int(pairs.Count);
        foreach (var (key, value) in pairs)
        {
            Text(key);
            Text(value);
        }

        Int(tensors.Count);
        foreach (var (name, shape, values) in tensors)
        {
            Text(name);
            Int(shape.Length);
            foreach (int d in shape)
            {
                Int(d);
            }

            AppendFloats(hash, values);
        }

        return hash.GetHashAndReset();
    }

    // The values as the file stores them (float32, little-endian), NaN payloads included.
    private static void AppendFloats(IncrementalHash hash, float[] values)
    {
        if (BitConverter.IsLittleEndian)
        {
            hash.AppendData(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }

        Span<byte> one = stackalloc byte[4];
        foreach (float v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(one, v);
            hash.AppendData(one);
        }
    }
}
