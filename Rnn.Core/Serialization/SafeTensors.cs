namespace Rnn.Core.Serialization;

/// <summary>
/// Entry points and constants of the safetensors format
/// (https://github.com/huggingface/safetensors, README "Format"): an unsigned 64-bit
/// little-endian header length N, N bytes of UTF-8 JSON mapping each tensor name to
/// <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets relative to the data region)
/// plus an optional "__metadata__" string map, then the data region.
/// Write with <see cref="SafeTensorsWriter"/>; read (validated) with <see cref="SafeTensorsFile"/>.
/// </summary>
/// <example>
/// <code>
/// SafeTensors.Save("w.safetensors", model.NamedParameters().Select(p => (p.Path, p.Parameter.Value)));
/// var file = SafeTensors.Load("w.safetensors");
/// float[] w = file.ReadFloats("rnn.weight_ih");
/// </code>
/// </example>
public static class SafeTensors
{
    /// <summary>The reserved header key of the free-form string map.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>
    /// The metadata key under which <see cref="SafeTensorsWriter.RecordDataChecksum"/> stores a
    /// SHA-256 of the data region ("sha256:" and 64 hex digits); <see cref="SafeTensorsFile.Parse"/>
    /// checks it when present.
    /// </summary>
    public const string DataChecksumKey = "data_sha256";

    /// <summary>
    /// Largest header accepted when reading (100 MB, the limit of the reference implementation):
    /// a larger length is a corrupt or foreign file, and trusting it would allocate that much.
    /// </summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Writes tensors atomically to <paramref name="path"/>.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="tensors">Names and tensors, written in this order.</param>
    /// <param name="dtype">Storage type of every tensor (F32, F16 or BF16).</param>
    /// <param name="metadata">Optional "__metadata__" pairs.</param>
    public static void Save(
        string path,
        IEnumerable<(string Name, Tensor Tensor)> tensors,
        SafeTensorDType dtype = SafeTensorDType.F32,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var writer = new SafeTensorsWriter();
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            writer.Metadata[key] = value;
        }

        foreach (var (name, tensor) in tensors)
        {
            writer.Add(name, tensor, dtype);
        }

        writer.Save(path);
    }

    /// <summary>Reads and validates a file; see <see cref="SafeTensorsFile.Read"/>.</summary>
    public static SafeTensorsFile Load(string path) => SafeTensorsFile.Read(path);

    /// <summary>float32 to bfloat16 bits, rounding to nearest even; NaN stays a quiet NaN.</summary>
    public static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        // bfloat16 is the top half of a float32; add half an ulp (minus one on ties to even) first.
        uint rounding = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + rounding) >> 16);
    }

    /// <summary>bfloat16 bits to float32 (exact).</summary>
    public static float FromBFloat16(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);
}
