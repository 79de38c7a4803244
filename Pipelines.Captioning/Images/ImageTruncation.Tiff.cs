namespace Pipelines.Captioning.Images;

internal static partial class ImageTruncation
{
    private const ushort StripOffsets = 273, StripByteCounts = 279, TileOffsets = 324, TileByteCounts = 325;

    // A TIFF is a header ("II" or "MM", 42, the offset of the first image directory), the
    // directories (a count, then tagged entries) and the strips or tiles they point to, in any order:
    // ImageSharp and libtiff write the directory last, so a cut file loses it, and other writers put
    // it first, so a cut file loses pixels. Only the first page is decoded, so only it is checked.
    // BigTIFF (43) has the same layout with 8-byte offsets and counts.
    private static string? Tiff(ReadOnlySpan<byte> bytes)
    {
        bool bigEndian = bytes.Length > 0 && bytes[0] == (byte)'M';
        ulong version = bytes.Length < 4 ? 0 : Unsigned(bytes, 2, 2, bigEndian);
        if (version is not (42 or 43))
        {
            return null;
        }

        if (bytes.Length < (version == 42 ? 8 : 16))
        {
            return "truncated TIFF: the file ends inside its header";
        }

        int word = version == 42 ? 4 : 8;   // offsets, entry counts and the value field
        int countSize = version == 42 ? 2 : 8;
        ulong first = Unsigned(bytes, version == 42 ? 4 : 8, word, bigEndian);
        if (first < 8)
        {
            return null;   // points into the header: damage for the decoder to report, not a cut
        }

        if (first > (ulong)(bytes.Length - countSize))
        {
            return $"truncated TIFF: its image directory at byte {first} lies past the end of the file "
                + $"({bytes.Length} bytes)";
        }

        var directory = new TiffDirectory(bytes, (long)first, word, countSize, bigEndian);
        if (!directory.Fits)
        {
            return $"truncated TIFF: its image directory at byte {first} runs past the end of the file "
                + $"({bytes.Length} bytes)";
        }

        return TiffPieces(directory, StripOffsets, StripByteCounts, "strip")
            ?? TiffPieces(directory, TileOffsets, TileByteCounts, "tile");
    }

    // Each strip (or tile) is an offset and a byte count in two parallel tables; all must lie in the file.
    private static string? TiffPieces(TiffDirectory directory, ushort offsetsTag, ushort countsTag, string piece)
    {
        var offsets = directory.Find(offsetsTag);
        var counts = directory.Find(countsTag);
        if (offsets is not { } o || counts is not { } c)
        {
            return null;
        }

        long length = directory.Bytes.Length;
        if (!o.Fits(length) || !c.Fits(length))
        {
            return $"truncated TIFF: its {piece} table lies past the end of the file ({length} bytes)";
        }

        long pieces = Math.Min(o.Count, c.Count);
        for (long i = 0; i < pieces; i++)
        {
            ulong start = o.Value(directory, i), size = c.Value(directory, i);
            if (start + size > (ulong)length || start + size < start)
            {
                return $"truncated TIFF: {piece} {i + 1} of {pieces} (bytes {start} to {start + size}) lies "
                    + $"past the end of the file ({length} bytes)";
            }
        }

        return null;
    }

    // The first image directory: a count, then entries of tag (2 bytes), type (2), count (word) and
    // value (word), the value holding the data when it fits and its offset when it does not.
    private readonly ref struct TiffDirectory(
        ReadOnlySpan<byte> bytes, long at, int word, int countSize, bool bigEndian)
    {
        public ReadOnlySpan<byte> Bytes { get; } = bytes;

        public int Word { get; } = word;

        public bool BigEndian { get; } = bigEndian;

        private long Entries { get; } = (long)Math.Min(Unsigned(bytes, at, countSize, bigEndian), int.MaxValue);

        private long First { get; } = at + countSize;

        private int EntrySize => 4 + (2 * Word);

        public bool Fits => First + (Entries * EntrySize) <= Bytes.Length;

        public TiffTable? Find(ushort tag)
        {
            for (long i = 0; i < Entries; i++)
            {
                long entry = First + (i * EntrySize);
                if (Unsigned(Bytes, entry, 2, BigEndian) != tag)
                {
                    continue;
                }

                // SHORT (3), LONG (4) or LONG8 (16); any other type is damage for the decoder.
                int size = Unsigned(Bytes, entry + 2, 2, BigEndian) switch { 3 => 2, 4 => 4, 16 => 8, _ => 0 };
                ulong count = Unsigned(Bytes, entry + 4, Word, BigEndian);
                if (size == 0 || count > int.MaxValue)
                {
                    return null;
                }

                long inline = entry + 4 + Word;
                long data = (long)count * size <= Word ? inline : (long)Unsigned(Bytes, inline, Word, BigEndian);
                return new TiffTable(data, (long)count, size);
            }

            return null;
        }
    }

    private readonly record struct TiffTable(long At, long Count, int Size)
    {
        public bool Fits(long length) => At >= 0 && At + (Count * Size) <= length;

        public ulong Value(TiffDirectory directory, long i) =>
            Unsigned(directory.Bytes, At + (i * Size), Size, directory.BigEndian);
    }
}
