using System.Security.Cryptography;

namespace Rnn.Core.Serialization;

/// <summary>
/// A SHA-256 recorded as a safetensors metadata field, "sha256:" and 64 lower-case hex digits: a
/// checkpoint's content checksum (<see cref="Training.CheckpointFile.ChecksumKey"/>) and model
/// weights' data checksum (<see cref="SafeTensors.DataChecksumKey"/>) are written and checked here.
/// </summary>
internal static class Sha256Field
{
    private const string Prefix = "sha256:";

    /// <summary>The hash of byte pieces taken in order (a file's data region: its tensors' bytes).</summary>
    public static byte[] Hash(IEnumerable<ReadOnlyMemory<byte>> pieces)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var piece in pieces)
        {
            hash.AppendData(piece.Span);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>The recorded form of a hash.</summary>
    public static string Format(byte[] hash) => Prefix + Convert.ToHexStringLower(hash);

    /// <summary>Throws unless <paramref name="recorded"/> is a well-formed record of the actual hash.</summary>
    /// <param name="recorded">The field's value.</param>
    /// <param name="actual">The hash of what the file holds now.</param>
    /// <param name="source">Names the file in the error.</param>
    /// <param name="key">The field's metadata key.</param>
    /// <param name="covered">What the hash covers, for the error ("content", "tensor data").</param>
    /// <exception cref="InvalidDataException">"source: corrupt (checksum mismatch): ...".</exception>
    public static void Check(string recorded, byte[] actual, string source, string key, string covered)
    {
        bool wellFormed = recorded.StartsWith(Prefix, StringComparison.Ordinal)
            && recorded.Length == Prefix.Length + 2 * SHA256.HashSizeInBytes;
        if (!wellFormed)
        {
            throw new InvalidDataException(
                $"{source}: corrupt (checksum mismatch): its '{key}' field is not sha256 and 64 hex digits");
        }

        string hex = Convert.ToHexStringLower(actual);
        if (!string.Equals(hex, recorded[Prefix.Length..], StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(
                $"{source}: corrupt (checksum mismatch): its {covered} changed after it was written " +
                "(a disk or copy error)");
        }
    }
}
