namespace Rnn.Core.Serialization;

/// <summary>
/// Element types of the safetensors format, spelled as in its header ("F32", "BF16", ...).
/// Every type of the public spec is known so that any well-formed file validates; only
/// <see cref="F32"/>, <see cref="F16"/> and <see cref="BF16"/> convert to float here.
/// </summary>
public enum SafeTensorDType
{
    BOOL,
    U8,
    I8,
    F8_E5M2,
    F8_E4M3,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    F64,
    I64,
    U64,
}

/// <summary>Sizes and names of <see cref="SafeTensorDType"/> values.</summary>
public static class SafeTensorDTypes
{
    /// <summary>Bytes per element.</summary>
    public static int Size(SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.BOOL or SafeTensorDType.U8 or SafeTensorDType.I8 => 1,
        SafeTensorDType.F8_E5M2 or SafeTensorDType.F8_E4M3 => 1,
        SafeTensorDType.I16 or SafeTensorDType.U16 or SafeTensorDType.F16 or SafeTensorDType.BF16 => 2,
        SafeTensorDType.I32 or SafeTensorDType.U32 or SafeTensorDType.F32 => 4,
        SafeTensorDType.F64 or SafeTensorDType.I64 or SafeTensorDType.U64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown safetensors dtype"),
    };

    /// <summary>True for the types this library converts to and from float32.</summary>
    public static bool IsFloat(SafeTensorDType dtype) =>
        dtype is SafeTensorDType.F32 or SafeTensorDType.F16 or SafeTensorDType.BF16;

    /// <summary>Parses a header spelling ("F32"); exact, case-sensitive, as the spec writes them.</summary>
    public static bool TryParse(string text, out SafeTensorDType dtype)
    {
        // Enum.TryParse would also accept "11" or "f32"; the format allows neither.
        foreach (var value in Enum.GetValues<SafeTensorDType>())
        {
            if (value.ToString() == text)
            {
                dtype = value;
                return true;
            }
        }

        dtype = default;
        return false;
    }
}
