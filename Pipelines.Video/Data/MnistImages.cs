using System.Buffers.Binary;
using System.IO.Compression;
using Rnn.Core.Serialization;

namespace Pipelines.Video.Data;

/// <summary>
/// MNIST digit images read from the idx3 format (LeCun et al.: big-endian magic 2051, count,
/// rows, cols, then one byte per pixel), gzip-compressed or not. Every header field is checked
/// against the bytes really present before it is trusted.
/// </summary>
public sealed class MnistImages
{
    private const int ImageMagic = 2051;
    private readonly byte[] pixels;

    private MnistImages(byte[] pixels, int count, int rows, int cols, string source)
    {
        this.pixels = pixels;
        Source = source;
        Count = count;
        Rows = rows;
        Cols = cols;
    }

    /// <summary>Where the images came from (the file's path), for error messages.</summary>
    public string Source { get; }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Image height (28 for MNIST).</summary>
    public int Rows { get; }

    /// <summary>Image width (28 for MNIST).</summary>
    public int Cols { get; }

    /// <summary>The pixels of image <paramref name="index"/>, [rows, cols], 0 = background.</summary>
    public ReadOnlySpan<byte> Image(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"image {index} of {Count}");
        }

        int size = Rows * Cols;
        return pixels.AsSpan(index * size, size);
    }

    /// <summary>Reads an idx3 file (".gz" is decompressed).</summary>
    /// <exception cref="InvalidDataException">Not a well-formed idx3 image file; the message names it.</exception>
    public static MnistImages Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"MNIST images '{path}' not found", path);
        }

        FileKind.RequireRegular(path, path);   // a named pipe would block

        byte[] bytes;
        try
        {
            using var file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                ? new GZipStream(file, CompressionMode.Decompress)
                : file;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            bytes = memory.ToArray();
        }
        catch (InvalidDataException e)
        {
            // .NET names a file that is no gzip at all "compressed using an unsupported compression
            // method"; the signature tells the two cases apart.
            throw new InvalidDataException(StartsWithGzipSignature(path)
                ? $"{path}: damaged gzip data ({e.Message})"
                : $"{path}: not a gzip file (it does not start with the gzip signature 1F 8B)", e);
        }

        return Parse(bytes, path);
    }

    private static bool StartsWithGzipSignature(string path)
    {
        using var file = File.OpenRead(path);
        return file.ReadByte() == 0x1F && file.ReadByte() == 0x8B;
    }

    /// <summary>Parses decompressed idx3 bytes; <paramref name="source"/> names them in errors.</summary>
    public static MnistImages Parse(byte[] bytes, string source)
    {
        if (bytes.Length < 16)
        {
            throw new InvalidDataException($"{source}: {bytes.Length} bytes, shorter than the 16-byte idx3 header");
        }

        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        int rows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        int cols = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        if (magic != ImageMagic)
        {
            throw new InvalidDataException($"{source}: magic {magic}, expected {ImageMagic} (idx3 unsigned bytes)");
        }

        if (count <= 0 || rows is <= 0 or > 1024 || cols is <= 0 or > 1024)
        {
            throw new InvalidDataException($"{source}: header says {count} images of {rows}x{cols}");
        }

        long need = 16L + (long)count * rows * cols;
        if (bytes.Length < need)
        {
            throw new InvalidDataException(
                $"{source}: header says {count} images of {rows}x{cols} ({need} bytes); the file has {bytes.Length}");
        }

        return new MnistImages(bytes.AsSpan(16, (int)(need - 16)).ToArray(), count, rows, cols, source);
    }
}
