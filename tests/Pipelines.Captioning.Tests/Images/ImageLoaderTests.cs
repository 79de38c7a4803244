using Pipelines.Captioning.Images;
using Pipelines.Captioning.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipelines.Captioning.Tests.Images;

public sealed class ImageLoaderTests
{
    private readonly ImageLoader loader = new();

    [Test]
    public void JpegLoadsAsRgbOfItsSize()
    {
        using var dir = new TempDir();
        using var image = loader.Load(TestImages.Jpeg(dir.Path, "a.jpg", 40, 30));
        Assert.That((image.Width, image.Height, image.Format), Is.EqualTo((40, 30, "JPEG")));
    }

    [Test]
    public void EmptyFileIsRefused()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("empty.jpg"), []);
        var e = Assert.Throws<ImageLoadException>(() => loader.Load(dir.File("empty.jpg")));
        Assert.That(e!.Reason, Does.Contain("empty file (0 bytes)"));
    }

    [Test]
    public void TruncatedJpegIsRefusedUnlessAllowed()
    {
        using var dir = new TempDir();
        string path = TestImages.TruncatedJpeg(dir.Path, "cut.jpg");
        var e = Assert.Throws<ImageLoadException>(() => loader.Load(path));
        Assert.That(e!.Reason, Does.Contain("truncated JPEG"));

        using var lenient = new ImageLoader(new ImageLimits { AllowTruncated = true }).Load(path);
        Assert.That(lenient.Width, Is.EqualTo(64));
    }

    [Test]
    public void CorruptJpegIsOneClearError()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ImageLoadException>(() => loader.Load(TestImages.CorruptJpeg(dir.Path, "bad.jpg")));
        Assert.That(e!.Reason, Does.Contain("JPEG"));
        Assert.That(e.Message, Does.StartWith(dir.File("bad.jpg")));
    }

    [Test]
    public void HugeDeclaredSizeIsRefusedBeforeDecoding()
    {
        using var dir = new TempDir();
        string path = TestImages.HugePng(dir.Path, "bomb.png");
        Assert.That(new FileInfo(path).Length, Is.LessThan(100));
        long before = GC.GetTotalAllocatedBytes();
        var e = Assert.Throws<ImageLoadException>(() => loader.Load(path));
        Assert.That(e!.Reason, Does.Contain("1 x 500000000").And.Contain("over the limit"));
        Assert.That(GC.GetTotalAllocatedBytes() - before, Is.LessThan(50_000_000), "refused without allocating pixels");
    }

    [Test]
    public void TextFileIsNotAnImage()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("notes.txt"), "just some text\n");
        var e = Assert.Throws<ImageLoadException>(() => loader.Load(dir.File("notes.txt")));
        Assert.That(e!.Reason, Does.Contain("not an image format"));
    }

    [Test]
    public void MissingFileAndFolderAreNamed()
    {
        using var dir = new TempDir();
        Assert.That(Assert.Throws<ImageLoadException>(() => loader.Load(dir.File("nope.jpg")))!.Reason,
            Does.Contain("does not exist"));
        Assert.That(Assert.Throws<ImageLoadException>(() => loader.Load(dir.Path))!.Reason, Does.Contain("folder"));
    }

    [Test]
    public void ExifOrientationIsApplied()
    {
        using var dir = new TempDir();
        using (var image = TestImages.Gradient(40, 20))
        {
            image.Metadata.ExifProfile = new ExifProfile();
            image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);   // rotate 90 degrees clockwise
            image.Save(dir.File("rotated.jpg"));
        }

        using var loaded = loader.Load(dir.File("rotated.jpg"));
        Assert.That((loaded.Width, loaded.Height, loaded.Oriented), Is.EqualTo((20, 40, true)));
    }

    [Test]
    public void AlphaIsCompositedOntoTheBackground()
    {
        using var dir = new TempDir();
        using (var image = new Image<Rgba32>(4, 4, new Rgba32(0, 0, 0, 0)))
        {
            image[1, 1] = new Rgba32(255, 0, 0, 255);
            image[2, 2] = new Rgba32(0, 0, 255, 128);
            image.Save(dir.File("alpha.png"), new PngEncoder { ColorType = PngColorType.RgbWithAlpha });
        }

        using var loaded = loader.Load(dir.File("alpha.png"));
        Assert.That(loaded.HadAlpha, Is.True);
        Assert.That(loaded.Pixels[0, 0], Is.EqualTo(new Rgb24(255, 255, 255)),
            "transparent black shows the background");
        Assert.That(loaded.Pixels[1, 1], Is.EqualTo(new Rgb24(255, 0, 0)));
        Assert.That(loaded.Pixels[2, 2], Is.EqualTo(new Rgb24(127, 127, 255)), "half-transparent blue over white");
    }

    [Test]
    public void SixteenBitGrayBecomesEqualRgbChannels()
    {
        using var dir = new TempDir();
        using (var image = new Image<L16>(3, 2, new L16(40000)))
        {
            image.Save(dir.File("gray16.png"),
                new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit16 });
        }

        using var loaded = loader.Load(dir.File("gray16.png"));
        var p = loaded.Pixels[1, 1];
        Assert.That((p.R, p.G, p.B), Is.EqualTo((156, 156, 156)));   // 40000 / 65535 * 255 = 155.6
    }

    [Test]
    public void AnimatedGifGivesItsFirstFrame()
    {
        using var dir = new TempDir();
        using (var gif = new Image<Rgba32>(8, 8, new Rgba32(255, 0, 0)))
        {
            using var second = new Image<Rgba32>(8, 8, new Rgba32(0, 0, 255));
            gif.Frames.AddFrame(second.Frames.RootFrame);
            gif.Save(dir.File("anim.gif"), new GifEncoder());
        }

        using var loaded = loader.Load(dir.File("anim.gif"));
        var p = loaded.Pixels[4, 4];
        Assert.That(p.R, Is.GreaterThan(200));
        Assert.That(p.B, Is.LessThan(50));
    }
}
