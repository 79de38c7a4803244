using System.Buffers.Binary;
using Pipelines.Video.Data;
using Pipelines.Video.Tests.Support;

namespace Pipelines.Video.Tests.Data;

[TestFixture]
public sealed class MnistImagesTests
{
    [Test]
    public void SharedTestSet_Has10000DigitsOf28x28()
    {
        var images = TestData.Images;

        Assert.That((images.Count, images.Rows, images.Cols), Is.EqualTo((10_000, 28, 28)));
        // MNIST digits are white strokes on black: the border is empty, the centre is not.
        Assert.That(images.Image(0)[0], Is.EqualTo(0));
        Assert.That(images.Image(0).ToArray().Max(), Is.GreaterThan(200));
    }

    [Test]
    public void BadHeaders_NameTheProblem()
    {
        Assert.That(Message(new byte[8]), Does.Contain("shorter than the 16-byte"));
        Assert.That(Message(Header(2049, 1, 28, 28)), Does.Contain("magic 2049"));
        Assert.That(Message(Header(2051, 2, 28, 28, extra: 784)), Does.Contain("the file has 800"));
    }

    // Found by a new-user trial: a .gz that is no gzip at all was "compressed using an unsupported
    // compression method", and the path came in quotes unlike every other error line.
    [Test]
    public void A_gz_file_that_is_no_gzip_is_called_so_and_a_damaged_one_damaged()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mnistgz-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string junk = Path.Combine(dir, "junk.gz");
            File.WriteAllText(junk, "this is not gzip at all");
            Assert.That(Assert.Throws<InvalidDataException>(() => MnistImages.Read(junk))!.Message, Is.EqualTo(
                $"{junk}: not a gzip file (it does not start with the gzip signature 1F 8B)"));

            string damaged = Path.Combine(dir, "damaged.gz");
            File.WriteAllBytes(damaged, new byte[] { 0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF, 0xFF });
            Assert.That(Assert.Throws<InvalidDataException>(() => MnistImages.Read(damaged))!.Message,
                Does.StartWith($"{damaged}: damaged gzip data ("));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // Found by a new-user trial: a file of 5 digits failed training with "unexpected
    // ArgumentException" and no file named.
    [Test]
    public void Too_few_digits_for_the_held_out_splits_name_the_file()
    {
        var five = MnistImages.Parse(Header(2051, 5, 2, 2, extra: 20), "five.idx");

        var e = Assert.Throws<InvalidDataException>(() =>
            Pipelines.Video.Training.MovingMnistSplits.Validation(five, new MovingMnistOptions(), 1));

        Assert.That(e!.Message, Is.EqualTo(
            "five.idx: the held-out splits need the 10,000 MNIST test digits; the file has 5"));
    }

    [Test]
    public void Parse_ReadsPixelsAfterTheHeader()
    {
        var bytes = Header(2051, 1, 2, 2, extra: 4);
        new byte[] { 1, 2, 3, 4 }.CopyTo(bytes, 16);

        var images = MnistImages.Parse(bytes, "tiny");

        Assert.That(images.Image(0).ToArray(), Is.EqualTo(new byte[] { 1, 2, 3, 4 }));
    }

    private static string Message(byte[] bytes) =>
        Assert.Throws<InvalidDataException>(() => MnistImages.Parse(bytes, "x.idx"))!.Message;

    private static byte[] Header(int magic, int count, int rows, int cols, int extra = 0)
    {
        var bytes = new byte[16 + extra];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        return bytes;
    }
}
