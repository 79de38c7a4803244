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

    // The documented headerless layout is image, caption[, split]; the last column used to be the
    // caption, so every image of "a.jpg<TAB>a dog runs<TAB>foo" was captioned "foo".
    [Test]
    public void AHeaderlessThirdColumnIsTheSplitNotTheCaption()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("3col.tsv"), "a.jpg\ta dog runs\tfoo\nb.jpg\ta cat sits\tdev\n");

        var images = CaptionFile.Read(dir.File("3col.tsv"));

        Assert.That(images.Select(i => (i.Image, i.Captions.Single(), i.Split)),
            Is.EqualTo(new[] { ("a.jpg", "a dog runs", "foo"), ("b.jpg", "a cat sits", "dev") }));
    }

    // A row that does not fit the layout of the first one is refused naming its line: a two-column
    // row among three-column ones would lose its split, and a fourth column means nothing documented.
    [TestCase("a.jpg\ta dog\ttrain\nb.jpg\ta cat\n", "line 2: 2 columns where line 1 has 3")]
    [TestCase("a.jpg\ta dog\nb.jpg\ta cat\ttrain\n", "line 2: 3 columns where line 1 has 2")]
    [TestCase("a.jpg\ttrain\t0\ta dog\n", "line 1: expected image<TAB>caption[<TAB>split]")]
    public void AHeaderlessRowOutsideTheLayoutIsRefused(string text, string reason)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("rows.tsv"), text);

        var e = Assert.Throws<InvalidDataException>(() => CaptionFile.Read(dir.File("rows.tsv")));

        Assert.That(e!.Message, Does.StartWith(dir.File("rows.tsv") + ": " + reason));
    }

    // Each bad shape is one message in words naming the entry, not System.Text.Json's ("The given key
    // was not present in the dictionary.", "Expected depth to be zero ... BytePositionInLine: 80").
    [TestCase("{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}], \"annotations\": [",
        "not valid JSON: it ends early (byte 62)")]
    [TestCase("{\"images\": [], \"annotations\": [],}", "not valid JSON: unexpected character '}' at line 1")]
    [TestCase("{}", "no \"images\" array (COCO caption JSON has")]
    [TestCase("{\"images\": []}", "no \"annotations\" array")]
    [TestCase("{\"images\": {}, \"annotations\": []}", "\"images\" is an object, not an array")]
    [TestCase("{\"images\": [3], \"annotations\": []}", "image 1 is the number '3', not an object")]
    [TestCase("{\"images\": [{\"file_name\": \"a.jpg\"}], \"annotations\": []}", "image 1 has no \"id\"")]
    [TestCase("{\"images\": [{\"id\": \"7\", \"file_name\": \"a.jpg\"}], \"annotations\": []}",
        "image 1: \"id\" is the string '7', not a whole number")]
    [TestCase("{\"images\": [{\"id\": 1.5, \"file_name\": \"a.jpg\"}], \"annotations\": []}",
        "image 1: \"id\" is the number '1.5', not a whole number")]
    [TestCase("{\"images\": [{\"id\": 1, \"file_name\": null}], \"annotations\": []}",
        "image 1: \"file_name\" is null, not a string")]
    [TestCase("{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}, {\"id\": 1, \"file_name\": \"b.jpg\"}], "
        + "\"annotations\": []}", "image 2 has id 1, as image 1 has")]
    [TestCase("{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}], \"annotations\": [{\"image_id\": 2, "
        + "\"caption\": \"A dog.\"}]}", "annotation 1 names image_id 2, which is not in images")]
    [TestCase("{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}], \"annotations\": [{\"image_id\": 1}]}",
        "annotation 1 has no \"caption\"")]
    [TestCase("{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}], \"annotations\": [{\"image_id\": 1, "
        + "\"caption\": [\"A dog.\"]}]}", "annotation 1: \"caption\" is an array, not a string")]
    [TestCase("{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}], \"annotations\": [{\"image_id\": 1, "
        + "\"caption\": \" \"}]}", "annotation 1: \"caption\" is empty")]
    public void BadCocoJsonIsOneLineInWords(string json, string reason)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("coco.json"), json);

        var e = Assert.Throws<InvalidDataException>(() => CaptionFile.Read(dir.File("coco.json")));

        Assert.That(e!.Message, Does.StartWith(dir.File("coco.json") + ": " + reason));
        Assert.That(e.Message, Does.Not.Contain("\n").And.Not.Contain("BytePositionInLine"));
    }
}
