using System.Buffers.Binary;

namespace Multimodal.Cli.Tests.Support;

/// <summary>PNG files made byte by byte for the tests of bad input.</summary>
internal static class TestPng
{
    /// <summary>
    /// A PNG signature and an IHDR chunk declaring <paramref name="width"/> x <paramref name="height"/>
    /// RGB pixels, then IEND: a decompression-bomb header, tiny on disk.
    /// </summary>
    public static byte[] HugeHeader(int width, int height)
    {
        var ihdr = new byte[17];
        "IHDR"u8.CopyTo(ihdr);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(8), height);
        ihdr[12] = 8;
        ihdr[13] = 2;
        uint crc = 0xFFFFFFFF;
        foreach (byte b in ihdr)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        var png = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 };
        png.AddRange(ihdr);
        var tail = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, ~crc);
        png.AddRange(tail);
        png.AddRange(new byte[] { 0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82 });
        return [.. png];
    }
}
