using Pipelines.Captioning.Images;
using Pipelines.Captioning.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Tiff.Constants;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipelines.Captioning.Tests.Images;

public sealed class ImageTruncationTests
{
    // An odd size, so BMP rows carry padding; noise, so a PNG spans several IDAT chunks and half
    // of any file ends inside its image data.
    private const int Width = 301, Height = 233;

    private readonly ImageLoader loader = new();

    // Each format as ImageSharp writes it, and what a cut one's reason names.
    private static readonly object[] CutFiles =
    [
        new object[] { "png", "truncated PNG: the IDAT chunk at byte" },
        new object[] { "png-rgba", "truncated PNG: the IDAT chunk at byte" },
        new object[] { "gif-animated", "truncated GIF: the image data of frame" },
        new object[] { "bmp-24", "truncated BMP: a 301 x 233 24-bit image needs at least 210631 bytes" },
        new object[] { "bmp-8", "truncated BMP: a 301 x 233 8-bit image needs at least 70829 bytes" },
        new object[] { "bmp-1", "truncated BMP: a 301 x 233 1-bit image needs at least 9318 bytes" },
        new object[] { "webp-lossy", "truncated WebP: its RIFF header declares" },
        new object[] { "webp-lossless", "truncated WebP: its RIFF header declares" },
        new object[] { "tiff", "truncated TIFF: its image directory at byte" },
        new object[] { "tiff-lzw", "truncated TIFF: its image directory at byte" },
    ];

    // Complete files of every kind the loader reads, the ones with alpha, 16 bits, a palette, gray
    // and CMYK included: the checks must not refuse any of them.
    private static readonly string[] CompleteFiles =
    [
        "png", "png-rgba", "png-16", "png-gray", "png-gray-alpha", "png-palette", "gif", "gif-animated",
        "bmp-1", "bmp-4", "bmp-8", "bmp-16", "bmp-24", "bmp-32", "webp-lossy", "webp-lossless", "tiff",
        "tiff-lzw", "tiff-deflate", "tiff-packbits", "tiff-gray", "jpeg", "jpeg-gray", "jpeg-cmyk",
    ];

    [TestCaseSource(nameof(CutFiles))]
    public void HalfAFileIsRefusedAsTruncatedInOneLineNamingTheFile(string kind, string reason)
    {
        using var dir = new TempDir();
        string path = Write(dir, kind);
        Cut(path, new FileInfo(path).Length / 2);

        var e = Assert.Throws<ImageLoadException>(() => loader.Load(path));

        Assert.That(e!.Reason, Does.StartWith(reason));
        Assert.That(e.Message, Is.EqualTo($"{path}: {e.Reason}"));
        Assert.That(e.Message, Does.Not.Contain('\n'));
    }

    [TestCaseSource(nameof(CompleteFiles))]
    public void CompleteFileLoadsAtItsSize(string kind)
    {
        using var dir = new TempDir();
        using var image = loader.Load(Write(dir, kind));
        Assert.That((image.Width, image.Height), Is.EqualTo((Width, Height)));
    }

    // Writers and tools append padding or metadata after the end of an image; viewers ignore it.
    [TestCaseSource(nameof(CompleteFiles))]
    public void BytesAfterTheEndOfACompleteFileAreIgnored(string kind)
    {
        using var dir = new TempDir();
        string path = Write(dir, kind);
        using (var file = new FileStream(path, FileMode.Append))
        {
            file.Write(new byte[100]);
        }

        using var image = loader.Load(path);
        Assert.That((image.Width, image.Height), Is.EqualTo((Width, Height)));
    }

    [Test]
    public void PngMissingOnlyItsIendChunkIsRefused()
    {
        using var dir = new TempDir();
        string path = Write(dir, "png");
        Cut(path, new FileInfo(path).Length - 12);   // IEND: length 0, type, CRC

        var e = Assert.Throws<ImageLoadException>(() => loader.Load(path));
        Assert.That(e!.Reason, Is.EqualTo(
            "truncated PNG: the file ends after the IDAT chunk, without the IEND chunk that closes a PNG"));
    }

    [Test]
    public void GifMissingOnlyItsTrailerIsRefusedUnlessTruncationIsAllowed()
    {
        using var dir = new TempDir();
        string path = Write(dir, "gif");
        Cut(path, new FileInfo(path).Length - 1);

        var e = Assert.Throws<ImageLoadException>(() => loader.Load(path));
        Assert.That(e!.Reason, Is.EqualTo(
            "truncated GIF: the file ends after frame 1, without the trailer byte 3B that closes a GIF"));

        using var lenient = new ImageLoader(new ImageLimits { AllowTruncated = true }).Load(path);
        Assert.That(lenient.Width, Is.EqualTo(Width));
    }

    [Test]
    public void BmpDeclaringFarMorePixelsThanItHoldsIsRefusedBeforeDecoding()
    {
        using var dir = new TempDir();
        string path = TestImages.ShortBmp(dir.Path, "huge.bmp", 7000, 7000, pixelBytes: 12);

        long before = GC.GetTotalAllocatedBytes();
        var e = Assert.Throws<ImageLoadException>(() => loader.Load(path));

        // 7000 rows of 21000 bytes, the last without its padding: 6999 * 21000 + 21000.
        Assert.That(e!.Reason, Is.EqualTo("truncated BMP: a 7000 x 7000 24-bit image needs at least "
            + "147000000 bytes of pixel data from byte 54, but the file holds 12"));
        Assert.That(GC.GetTotalAllocatedBytes() - before, Is.LessThan(50_000_000), "refused without allocating pixels");
    }

    [Test]
    public void BmpIsRefusedForAMissingPixelByteButNotForTheLastRowsPadding()
    {
        using var dir = new TempDir();
        string path = Write(dir, "bmp-24");   // rows of 903 pixel bytes and 1 padding byte
        long length = new FileInfo(path).Length;

        Cut(path, length - 1);
        using (var image = loader.Load(path))
        {
            Assert.That(image.Height, Is.EqualTo(Height));
        }

        Cut(path, length - 2);
        var e = Assert.Throws<ImageLoadException>(() => loader.Load(path));
        Assert.That(e!.Reason, Does.StartWith("truncated BMP: a 301 x 233 24-bit image"));
    }

    // An RLE BMP's size is not known from its header: measured as if uncompressed, this one (30 rows
    // of 40 bytes from 4 bytes a row) would be refused. Its decoder refuses it cut.
    [Test]
    public void RleBmpIsNotMeasuredAsIfItWereUncompressed()
    {
        using var dir = new TempDir();
        string path = TestImages.RleBmp(dir.Path, "stripes.bmp", width: 40, height: 30);
        using (var image = loader.Load(path))
        {
            Assert.That((image.Width, image.Height), Is.EqualTo((40, 30)));
        }

        Cut(path, new FileInfo(path).Length / 2);
        var e = Assert.Throws<ImageLoadException>(() => loader.Load(path));
        Assert.That(e!.Reason, Does.StartWith("damaged BMP data"));
    }

    [Test]
    public void TiffWithItsDirectoryFirstIsRefusedWhenItsStripIsCut()
    {
        using var dir = new TempDir();
        string path = TestImages.TiffDirectoryFirst(dir.Path, "first.tif", width: 32, height: 16);
        using (var image = loader.Load(path))
        {
            Assert.That((image.Width, image.Height), Is.EqualTo((32, 16)));
        }

        long length = new FileInfo(path).Length;
        Cut(path, length / 2);
        var e = Assert.Throws<ImageLoadException>(() => loader.Load(path));
        Assert.That(e!.Reason, Is.EqualTo($"truncated TIFF: strip 1 of 1 (bytes {length - 512} to {length}) "
            + $"lies past the end of the file ({length / 2} bytes)"));
    }

    private static void Cut(string path, long length)
    {
        using var file = new FileStream(path, FileMode.Open);
        file.SetLength(length);
    }

    private static string Write(TempDir dir, string kind)
    {
        string path = dir.File(kind);
        using var image = TestImages.Noise(Width, Height);
        if (kind == "gif-animated")
        {
            using var second = TestImages.Noise(Width, Height, seed: 1);
            image.Frames.AddFrame(second.Frames.RootFrame);
        }

        if (kind is "png-rgba" or "png-gray-alpha")
        {
            using var translucent = image.CloneAs<Rgba32>();
            translucent.ProcessPixelRows(rows => rows.GetRowSpan(0)[0].A = 100);
            translucent.Save(path, Encoder(kind));
            return path;
        }

        image.Save(path, Encoder(kind));
        return path;
    }

    private static IImageEncoder Encoder(string kind) => kind switch
    {
        "png" => new PngEncoder(),
        "png-rgba" => new PngEncoder { ColorType = PngColorType.RgbWithAlpha },
        "png-16" => new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit16 },
        "png-gray" => new PngEncoder { ColorType = PngColorType.Grayscale },
        "png-gray-alpha" => new PngEncoder { ColorType = PngColorType.GrayscaleWithAlpha },
        "png-palette" => new PngEncoder { ColorType = PngColorType.Palette },
        "gif" or "gif-animated" => new GifEncoder(),
        "bmp-1" => new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel1 },
        "bmp-4" => new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel4 },
        "bmp-8" => new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel8 },
        "bmp-16" => new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel16 },
        "bmp-24" => new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 },
        "bmp-32" => new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel32 },
        "webp-lossy" => new WebpEncoder { FileFormat = WebpFileFormatType.Lossy },
        "webp-lossless" => new WebpEncoder { FileFormat = WebpFileFormatType.Lossless },
        "tiff" => new TiffEncoder(),
        "tiff-lzw" => new TiffEncoder { Compression = TiffCompression.Lzw },
        "tiff-deflate" => new TiffEncoder { Compression = TiffCompression.Deflate },
        "tiff-packbits" => new TiffEncoder { Compression = TiffCompression.PackBits },
        "tiff-gray" => new TiffEncoder { BitsPerPixel = TiffBitsPerPixel.Bit8 },
        "jpeg" => new JpegEncoder(),
        "jpeg-gray" => new JpegEncoder { ColorType = JpegColorType.Luminance },
        "jpeg-cmyk" => new JpegEncoder { ColorType = JpegColorType.Cmyk },
        _ => throw new ArgumentException($"no encoder for '{kind}'", nameof(kind)),
    };
}
