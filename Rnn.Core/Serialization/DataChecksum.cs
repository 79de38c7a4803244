using System.Security.Cryptography;

namespace Rnn.Core.Serialization;

/// <summary>
/// The SHA-256 of a safetensors file's data region, as <see cref="SafeTensors.DataChecksumKey"/>
/// records it: "sha256:" and 64 lower-case hex digits of the bytes after the header, in file order.
/// </summary>
internal static class DataChecksum
{
    private const string Prefix = "sha256:";

    /// <summary>The hash of the pieces of the data region, in order.</summary>
    public static byte[] Of(IEnumerable<ReadOnlyMemory<byte>> pieces)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var piece in pieces)
        {
            hash.AppendData(piece.Span);
        }

        return hash.GetHashAndReset();
    }

    /// <inheritdoc cref="Of(IEnumerable{ReadOnlyMemory{byte}})"/>
    public static byte[] Of(IEnumerable<byte[]> pieces) => Of(pieces.Select(p => (ReadOnlyMemory<byte>)p));

    /// <summary>The recorded form of a hash.</summary>
    public static string Format(byte[] hash) => Prefix + Convert.ToHexStringLower(hash);

    /// <summary>Throws unless <paramref name="recorded"/> is a well-formed record of the hash given.</summary>
    /// <exception cref="InvalidDataException">"source: corrupt (checksum mismatch): ...".</exception>
    public static void Check(string recorded, byte[] actual, string source)
    {
        bool wellFormed = recorded.StartsWith(Prefix, StringComparison.Ordinal)
            && recorded.Length == Prefix.Length + 2 * SHA256.HashSizeInBytes;
        if (!wellFormed)
        {
            throw new InvalidDataException(
                $"{source}: corrupt (checksum mismatch): its '{SafeTensors.DataChecksumKey}' field is not sha256 " +
                "and 64 hex digits");
        }

        string hex = Convert.ToHexStringLower(actual);
        if (!string.Equals(hex, recorded[Prefix.Length..], StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(
                $"{source}: corrupt (checksum mismatch): its tensor data changed after it was written " +
                "(a disk or copy error)");
        }
    }
}
