using Pipelines.Captioning.Encoders;
using Pipelines.Captioning.Images;
using Pipelines.Captioning.Tests.Support;
using Pipelines.Captioning.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipelines.Captioning.Tests.Training;

public sealed class FeatureCacheTests
{
    [Test]
    public void SecondRunEncodesOnlyWhatIsMissingAndRemembersFailures()
    {
        using var dir = new TempDir();
        var items = Enumerable.Range(0, 3)
            .Select(i => new FeatureCache.Item($"{i}.jpg", TestImages.Jpeg(dir.Path, $"{i}.jpg", seed: i))).ToList();
        File.WriteAllText(dir.File("x.txt"), "not an image");
        items.Add(new FeatureCache.Item("x.txt", dir.File("x.txt")));
        string cache = dir.File("cache");
        using var encoder = new CountingEncoder(new PixelEncoder(8));

        var first = FeatureCache.Build(cache, encoder, new ImageLoader(), items.Take(2).ToList(), chunkSize: 2);
        Assert.That((first.Count, encoder.Encoded), Is.EqualTo((2, 2)));

        var second = FeatureCache.Build(cache, encoder, new ImageLoader(), items, chunkSize: 2);
        Assert.That((second.Count, encoder.Encoded), Is.EqualTo((3, 3)), "only image 2 was new");
        Assert.That(second.Failures["x.txt"], Does.Contain("not an image"));
        Assert.That(second.Vector(second.Row("0.jpg")).ToArray(),
            Is.EqualTo(first.Vector(first.Row("0.jpg")).ToArray()));

        var third = FeatureCache.Build(cache, encoder, new ImageLoader(), items, chunkSize: 2);
        Assert.That((third.Count, encoder.Encoded, third.Failures.Count), Is.EqualTo((3, 3, 1)), "nothing retried");
    }

    [Test]
    public void ChunksOfAnotherEncoderAreIgnored()
    {
        using var dir = new TempDir();
        var items = new[] { new FeatureCache.Item("a.jpg", TestImages.Jpeg(dir.Path, "a.jpg")) };
        using var small = new CountingEncoder(new PixelEncoder(8));
        using var large = new CountingEncoder(new PixelEncoder(12));
        FeatureCache.Build(dir.File("cache"), small, new ImageLoader(), items);
        var other = FeatureCache.Build(dir.File("cache"), large, new ImageLoader(), items);
        Assert.That((other.VectorSize, large.Encoded), Is.EqualTo((3 * 12 * 12, 1)));
    }

    private sealed class CountingEncoder(IImageEncoder inner) : IImageEncoder
    {
        public int Encoded { get; private set; }

        public string Kind => inner.Kind;

        public int ImageSize => inner.ImageSize;

        public int VectorSize => inner.VectorSize;

        public bool Trainable => inner.Trainable;

        public int PreferredBatch => inner.PreferredBatch;

        public void Prepare(IReadOnlyList<Image<Rgb24>> images, Span<float> destination)
        {
            Encoded += images.Count;
            inner.Prepare(images, destination);
        }

        public void Dispose() => inner.Dispose();
    }
}
