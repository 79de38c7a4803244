namespace Rnn.Core.Serialization;

/// <summary>
/// The validated header of a safetensors file, without its data: what
/// <see cref="SafeTensorsFile.ReadHeader"/> returns for listing or checking a file of any size.
/// </summary>
/// <param name="Source">The path or name used in error messages.</param>
/// <param name="DataStart">Byte offset of the data region within the file.</param>
/// <param name="Tensors">Every tensor, in header order.</param>
/// <param name="Metadata">The "__metadata__" map (empty when absent).</param>
public sealed record SafeTensorsLayout(
    string Source, long DataStart, IReadOnlyList<SafeTensorInfo> Tensors, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>Elements over all tensors.</summary>
    public long ElementCount => Tensors.Sum(t => (long)t.ElementCount);
}
