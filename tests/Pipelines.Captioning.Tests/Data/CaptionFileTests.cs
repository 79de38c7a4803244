using Pipelines.Captioning.Data;
using Pipelines.Captioning.Tests.Support;

namespace Pipelines.Captioning.Tests.Data;

public sealed class CaptionFileTests
{
    [Test]
    public void ReadsFlickr8kTokenFiles()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("Flickr8k.token.txt"),
            "1000_a.jpg#0\tA dog runs .\n1000_a.jpg#1\tA brown dog .\n2000_b.jpg#0\tA cat .\n");
        var images = CaptionFile.Read(dir.File("Flickr8k.token.txt"));
        Assert.That(images.Select(i => (i.Image, i.Captions.Count)),
            Is.EqualTo(new[] { ("1000_a.jpg", 2), ("2000_b.jpg", 1) }));
    }

    [Test]
    public void ReadsTsvWithAHeaderAndSplits()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("c.tsv"),
            "image\tsplit\tcaption_idx\tcaption\na.jpg\ttrain\t0\tA dog .\nb.jpg\tdev\t0\tA cat .\n");
        var images = CaptionFile.Read(dir.File("c.tsv"));
        Assert.That(images.Select(i => (i.Image, i.Split, i.Captions[0])),
            Is.EqualTo(new[] { ("a.jpg", "train", "A dog ."), ("b.jpg", "dev", "A cat .") }));
    }

    [Test]
    public void ReadsPlainTsvAndCocoJson()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("plain.tsv"), "x.png\tA red square\nx.png\tRed box\n");
        Assert.That(CaptionFile.Read(dir.File("plain.tsv")).Single().Captions, Has.Count.EqualTo(2));

        File.WriteAllText(dir.File("coco.json"), """
            {"images": [{"id": 7, "file_name": "COCO_7.jpg"}],
             "annotations": [{"image_id": 7, "id": 1, "caption": "A bus."}, {"image_id": 7, "id": 2, "caption": "Bus"}]}
            """);
        var coco = CaptionFile.Read(dir.File("coco.json")).Single();
        Assert.That((coco.Image, coco.Captions.Count), Is.EqualTo(("COCO_7.jpg", 2)));
    }

    [Test]
    public void BadRowsNameTheLine()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.tsv"), "a.jpg\tA dog\njust-one-column\n");
        var e = Assert.Throws<InvalidDataException>(() => CaptionFile.Read(dir.File("bad.tsv")));
        Assert.That(e!.Message, Does.Contain("line 2"));
        File.WriteAllText(dir.File("bad.json"), "{\"images\": []}");
        Assert.Throws<InvalidDataException>(() => CaptionFile.Read(dir.File("bad.json")));
        Assert.Throws<FileNotFoundException>(() => CaptionFile.Read(dir.File("none.tsv")));
    }

    // "image<TAB>split" was read as a row: an image called "image", captioned "split", and every
    // caption of the file its split name.
    [TestCase("image\tsplit\na.jpg\tdev\n", "the header has no 'caption' column (it names 'image', 'split')")]
    [TestCase("file\tcaption\na.jpg\tA dog\n", "the header has no 'image' column (it names 'file', 'caption')")]
    public void AHeaderWithoutBothColumnsIsRefused(string text, string reason)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("h.tsv"), text);

        var e = Assert.Throws<InvalidDataException>(() => CaptionFile.Read(dir.File("h.tsv")));

        Assert.That(e!.Message, Does.Contain("line 1: " + reason));
    }
}
