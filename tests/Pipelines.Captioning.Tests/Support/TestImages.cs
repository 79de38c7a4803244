using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipelines.Captioning.Tests.Support;

/// <summary>Small image files made in the test, plus the crafted bad ones.</summary>
internal static class TestImages
{
    public static string Flickr8k => Path.GetFullPath(Path.Combine(RepoRoot(), "..", "shared", "data", "flickr8k"));

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Multimodal.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("repository root not found");
    }

    /// <summary>A real Flickr8k photo when the shared data is present, else null.</summary>
    public static string? RealPhoto()
    {
        string path = Path.Combine(Flickr8k, "images", "1000268201_693b08cb0e.jpg");
        return File.Exists(path) ? path : null;
    }

    public static Image<Rgb24> Gradient(int width, int height, int seed = 0)
    {
        var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = new Rgb24((byte)((x * 37 + seed * 11) % 256), (byte)((y * 53 + seed) % 256),
                    (byte)((x + y) * 7 % 256));
            }
        }

        return image;
    }

    public static string Jpeg(string folder, string name, int width = 32, int height = 24, int seed = 0)
    {
        string path = Path.Combine(folder, name);
        using var image = Gradient(width, height, seed);
        image.Save(path, new JpegEncoder { Quality = 90 });
        return path;
    }

    public static string Solid(string folder, string name, Rgb24 colour, int size = 16)
    {
        string path = Path.Combine(folder, name);
        using var image = new Image<Rgb24>(size, size, colour);
        image.Save(path, new PngEncoder());
        return path;
    }

    /// <summary>A JPEG cut to 60% of its bytes (no end-of-image marker).</summary>
    public static string TruncatedJpeg(string folder, string name)
    {
        string full = Jpeg(folder, name + ".full.jpg", 64, 64);
        var bytes = File.ReadAllBytes(full);
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes[..(bytes.Length * 6 / 10)]);
        File.Delete(full);
        return path;
    }

    /// <summary>A JPEG header followed by garbage.</summary>
    public static string CorruptJpeg(string folder, string name)
    {
        var bytes = new byte[400];
        new Random(3).NextBytes(bytes);
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[2] = 0xFF;
        bytes[3] = 0xE0;
        bytes[^2] = 0xFF;
        bytes[^1] = 0xD9;
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A tiny PNG whose header declares <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    public static string HugePng(string folder, string name, int width = 1, int height = 500_000_000)
    {
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;   // bit depth
        ihdr[9] = 2;   // RGB
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        Chunk(png, "IEND", []);
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, png.ToArray());
        return path;
    }

    /// <summary>Random pixels: they do not compress, so a PNG of them spans several IDAT chunks.</summary>
    public static Image<Rgb24> Noise(int width, int height, int seed = 0)
    {
        var random = new Random(seed);
        var rgb = new byte[width * height * 3];
        random.NextBytes(rgb);
        return Image.LoadPixelData<Rgb24>(rgb, width, height);
    }

    /// <summary>
    /// A 24-bit BMP whose header declares <paramref name="width"/> x <paramref name="height"/> pixels,
    /// followed by only <paramref name="pixelBytes"/> bytes of pixels.
    /// </summary>
    public static string ShortBmp(string folder, string name, int width, int height, int pixelBytes)
    {
        var bmp = BmpHeaders(width, height, bits: 24, compression: 0, palette: []);
        bmp.Write(new byte[pixelBytes]);
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bmp.ToArray());
        return path;
    }

    /// <summary>
    /// An RLE8 BMP of horizontal stripes, one run and an end-of-row code a row, then the
    /// end-of-bitmap code (ImageSharp writes no RLE).
    /// </summary>
    public static string RleBmp(string folder, string name, int width = 40, int height = 30)
    {
        var palette = new byte[] { 0, 0, 0, 0, 255, 255, 255, 0 };   // black, white (B, G, R, unused)
        var bmp = BmpHeaders(width, height, bits: 8, compression: 1, palette);
        for (int y = 0; y < height; y++)
        {
            bmp.Write([(byte)width, (byte)(y % 2), 0, 0]);
        }

        bmp.Write([0, 1]);
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bmp.ToArray());
        return path;
    }

    /// <summary>
    /// An 8-bit grayscale TIFF with its image directory before its one strip, as some writers lay
    /// them out (ImageSharp's encoder puts the directory last).
    /// </summary>
    public static string TiffDirectoryFirst(string folder, string name, int width = 32, int height = 16)
    {
        // (tag, type 3 = SHORT or 4 = LONG, value); StripOffsets is filled in below.
        (ushort Tag, ushort Type, int Value)[] entries =
        [
            (256, 3, width), (257, 3, height), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, 0),
            (277, 3, 1), (278, 3, height), (279, 4, width * height),
        ];
        int pixelsAt = 8 + 2 + (12 * entries.Length) + 4;
        var tiff = new byte[pixelsAt + (width * height)];
        "II"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), (ushort)entries.Length);
        for (int i = 0; i < entries.Length; i++)
        {
            var entry = tiff.AsSpan(10 + (12 * i), 12);
            BinaryPrimitives.WriteUInt16LittleEndian(entry, entries[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], entries[i].Type);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], 1);
            int value = entries[i].Tag == 273 ? pixelsAt : entries[i].Value;
            BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], (uint)value);   // a SHORT sits in the first 2
        }

        for (int i = 0; i < width * height; i++)
        {
            tiff[pixelsAt + i] = (byte)(i * 7);
        }

        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, tiff);
        return path;
    }

    // File header (14 bytes) and a 40-byte info header, then the palette; the pixels follow.
    private static MemoryStream BmpHeaders(int width, int height, int bits, int compression, byte[] palette)
    {
        var header = new byte[14 + 40];
        int pixelsAt = header.Length + palette.Length;
        "BM"u8.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(10), pixelsAt);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(26), 1);   // planes
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(28), (short)bits);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(30), compression);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(46), palette.Length / 4);   // colours used
        var bmp = new MemoryStream();
        bmp.Write(header);
        bmp.Write(palette);
        return bmp;
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        s.Write(crc);
    }

    // PNG's CRC-32 (ISO 3309, polynomial 0xEDB88320, reflected).
    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }
}
