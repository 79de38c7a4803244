using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Rnn.Core.Serialization;

/// <summary>Where one tensor of a safetensors file lies and what it holds.</summary>
/// <param name="Name">Header key.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions (empty for a scalar).</param>
/// <param name="Begin">First byte, relative to the data region.</param>
/// <param name="End">One past the last byte, relative to the data region.</param>
public sealed record SafeTensorInfo(string Name, SafeTensorDType DType, int[] Shape, long Begin, long End)
{
    /// <summary>Number of elements.</summary>
    public int ElementCount => Rnn.Core.Shape.Size(Shape);

    /// <summary>Bytes in the data region.</summary>
    public long ByteLength => End - Begin;
}

/// <summary>
/// A safetensors file held in memory, validated completely before any tensor is handed out:
/// header length against the file length and <see cref="SafeTensors.MaxHeaderBytes"/>, well-formed
/// JSON, known dtypes, non-negative shapes whose size matches their byte range, offsets in range,
/// sorted, non-overlapping and covering the data region exactly, no duplicate names. Every
/// failure is an <see cref="InvalidDataException"/> with one line: "source: reason".
/// </summary>
/// <remarks>
/// Limit: <see cref="Read"/> holds the whole file in one array, so files must be under 2 GiB;
/// <see cref="ReadHeader"/> validates the header of a file of any size without reading its data.
/// </remarks>
public sealed class SafeTensorsFile
{
    private readonly byte[] bytes;
    private readonly long dataStart;
    private readonly Dictionary<string, SafeTensorInfo> byName;

    private SafeTensorsFile(
        string source, byte[] bytes, long dataStart, List<SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Source = source;
        this.bytes = bytes;
        this.dataStart = dataStart;
        Tensors = tensors;
        Metadata = metadata;
        byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>
    /// Largest file <see cref="Read"/> accepts (just under 2 GiB, the largest byte array .NET allows);
    /// <see cref="ReadHeader"/> has no limit.
    /// </summary>
    public static long MaxFileBytes { get; } = Array.MaxLength;

    /// <summary>The path or name used in error messages.</summary>
    public string Source { get; }

    /// <summary>Every tensor, in header order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The "__metadata__" map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>True when a tensor of this name exists.</summary>
    public bool Contains(string name) => byName.ContainsKey(name);

    /// <summary>The description of one tensor; throws naming the file when it is missing.</summary>
    public SafeTensorInfo this[string name] => byName.TryGetValue(name, out var info)
        ? info
        : throw new KeyNotFoundException($"{Source}: no tensor named '{name}' ({Tensors.Count} tensors present)");

    /// <summary>Reads and validates a file from disk.</summary>
    /// <exception cref="InvalidDataException">The file is malformed, or over 2 GiB (held in one array).</exception>
    /// <exception cref="FileNotFoundException">"PATH: no such file", or a link to a missing file.</exception>
    public static SafeTensorsFile Read(string path)
    {
        // .NET's own text repeats the path in quotes; a link whose target is gone (which File.Exists
        // counts as a file) says so.
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"{path}: no such file", path);
        }

        if (info.LinkTarget is not null && !TargetExists(info))
        {
            throw new FileNotFoundException($"{path}: a link to a file that does not exist", path);
        }

        FileKind.RequireRegular(path, path);
        long length = info.Length;
        if (length > MaxFileBytes)
        {
            throw new InvalidDataException($"{path}: {length} bytes; files over 2 GiB are not supported");
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    // Whether a link's final target exists (a loop of links counts as missing).
    private static bool TargetExists(FileInfo link)
    {
        try
        {
            return link.ResolveLinkTarget(returnFinalTarget: true)?.Exists ?? false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads only the 8-byte length and the header of a file and validates them against the file's real
    /// length (every check of <see cref="Parse"/>), without reading the tensor data; any size of file works.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="source">Names the file in errors; <paramref name="path"/> when null.</param>
    /// <exception cref="InvalidDataException">The header is malformed or disagrees with the file length.</exception>
    public static SafeTensorsLayout ReadHeader(string path, string? source = null)
    {
        FileKind.RequireRegular(path, source ?? path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        long length = stream.Length;
        var first8 = new byte[Math.Min(8, length)];
        stream.ReadExactly(first8);
        var prefix = new byte[SafeTensorsHeader.PrefixLength(first8, length)];
        first8.CopyTo(prefix, 0);
        stream.ReadExactly(prefix.AsSpan(first8.Length));
        var header = SafeTensorsHeader.Parse(prefix, length, source ?? path);
        return new SafeTensorsLayout(source ?? path, header.DataStart, header.Tensors, header.Metadata);
    }

    /// <summary>
    /// True when the file recorded a data checksum (<see cref="SafeTensors.DataChecksumKey"/>) and
    /// its data matched it; false for a file without one.
    /// </summary>
    public bool DataVerified { get; private init; }

    /// <summary>
    /// Validates the bytes of a complete file, and its data against the recorded checksum when it has
    /// one. <paramref name="source"/> names it in errors.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file is malformed, or corrupt: "source: corrupt (checksum mismatch): ...".
    /// </exception>
    public static SafeTensorsFile Parse(byte[] bytes, string source = "<memory>")
    {
        var header = SafeTensorsHeader.Parse(bytes, source);
        bool verified = false;
        if (header.Metadata.TryGetValue(SafeTensors.DataChecksumKey, out string? recorded))
        {
            var data = new ReadOnlyMemory<byte>(bytes, (int)header.DataStart, bytes.Length - (int)header.DataStart);
            Sha256Field.Check(recorded, Sha256Field.Hash(new[] { data }), source, SafeTensors.DataChecksumKey,
                "tensor data");
            verified = true;
        }

        return new SafeTensorsFile(source, bytes, header.DataStart, header.Tensors, header.Metadata)
        {
            DataVerified = verified,
        };
    }

    /// <summary>The stored bytes of one tensor, little-endian as in the file.</summary>
    public ReadOnlySpan<byte> RawBytes(string name)
    {
        var info = this[name];
        return bytes.AsSpan((int)(dataStart + info.Begin), (int)info.ByteLength);
    }

    /// <summary>One tensor converted to float32 (from F32, F16 or BF16).</summary>
    public float[] ReadFloats(string name)
    {
        var result = new float[this[name].ElementCount];
        ReadInto(name, result);
        return result;
    }

    /// <summary>
    /// One tensor as a new tensor of its stored shape on <paramref name="backend"/> (default backend when
    /// null).
    /// </summary>
    public Tensor ReadTensor(string name, IBackend? backend = null) =>
        (backend ?? Backends.Default).FromArray(ReadFloats(name), this[name].Shape);

    /// <summary>
    /// Converts one tensor to float32 into <paramref name="destination"/> of exactly its element count.
    /// </summary>
    public void ReadInto(string name, Span<float> destination)
    {
        var info = this[name];
        if (destination.Length != info.ElementCount)
        {
            throw new ArgumentException(
                $"{Source}: tensor '{name}' has {info.ElementCount} elements; destination holds {destination.Length}");
        }

        var raw = RawBytes(name);
        switch (info.DType)
        {
            case SafeTensorDType.F32:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * 4));
                }

                break;
            case SafeTensorDType.F16:
                ReadHalves(raw, destination);
                break;
            case SafeTensorDType.BF16:
                for (int i = 0; i < destination.Length; i++)
                {
                    ushort bits = BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(i * 2));
                    destination[i] = SafeTensors.FromBFloat16(bits);
                }

                break;
            default:
                throw new NotSupportedException(
                    $"{Source}: tensor '{name}' is {info.DType}; only F32, F16 and BF16 convert to float");
        }
    }

    private static void ReadHalves(ReadOnlySpan<byte> raw, Span<float> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(raw), destination);
            return;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(raw.Slice(i * 2));
        }
    }
}
