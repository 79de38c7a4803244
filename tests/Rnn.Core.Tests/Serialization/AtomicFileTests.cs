using System.Text;
using Rnn.Core.Serialization;

namespace Rnn.Core.Tests.Serialization;

public sealed class AtomicFileTests
{
    private string folder = "";

    [SetUp]
    public void SetUp()
    {
        folder = Path.Combine(Path.GetTempPath(), "rnn-atomic-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(folder, recursive: true);

    // Found by a new-user trial: a training run killed during a save left ".checkpoint-...tmp" and
    // ".MODEL_CARD.md....tmp" in its folder for good; the next run there (holding the folder's lock)
    // deletes them, and nothing else.
    [Test]
    public void LeftoverTemporaryFilesAreRemovedAndNothingElse()
    {
        string hex = new('a', 32);
        string[] leftovers = [$".MODEL_CARD.md.{hex}.tmp", $".weights.safetensors.{Guid.NewGuid():N}.tmp",
            AtomicFile.TempPath(Path.Combine(folder, "config.json"))];
        string[] kept = ["notes.tmp", ".notes.tmp", $".x.{hex}.tmp.png", $".x.{hex[..31]}.tmp", "config.json"];
        foreach (string name in leftovers.Concat(kept))
        {
            File.WriteAllText(Path.Combine(folder, name), "x");
        }

        Assert.That(AtomicFile.RemoveLeftovers(folder), Is.EqualTo(3));
        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName).Order(), Is.EqualTo(kept.Order()));
        Assert.That(AtomicFile.RemoveLeftovers(Path.Combine(folder, "missing")), Is.Zero);
    }

    [Test]
    public void WritesNewFileAndReplacesExistingOne()
    {
        string path = Path.Combine(folder, "a.txt");
        AtomicFile.WriteAllText(path, "first");
        AtomicFile.WriteAllText(path, "second, longer");
        Assert.That(File.ReadAllText(path), Is.EqualTo("second, longer"));
        Assert.That(Directory.GetFiles(folder), Has.Length.EqualTo(1), "no temp file may remain");
    }

    [Test]
    public void CreatesMissingFolderAndWritesBytesWithoutBom()
    {
        string path = Path.Combine(folder, "sub", "deeper", "b.bin");
        AtomicFile.WriteAllBytes(path, new byte[] { 1, 2, 3 });
        AtomicFile.WriteAllText(Path.Combine(folder, "c.txt"), "é");
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(File.ReadAllBytes(Path.Combine(folder, "c.txt")), Is.EqualTo(new byte[] { 0xC3, 0xA9 }));
    }

    [Test]
    public void FailureMidWriteLeavesOldTargetAndNoTempFile()
    {
        string path = Path.Combine(folder, "model.bin");
        AtomicFile.WriteAllText(path, "old content");

        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new InvalidOperationException("disk exploded");
        }));

        Assert.That(error!.Message, Is.EqualTo("disk exploded"));
        Assert.That(File.ReadAllText(path), Is.EqualTo("old content"));
        Assert.That(Directory.GetFiles(folder), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void FailureOnFirstWriteCreatesNoTarget()
    {
        string path = Path.Combine(folder, "never.bin");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, _ => throw new IOException("no space")));
        Assert.That(Directory.GetFiles(folder), Is.Empty);
    }

    [Test]
    public void TempFileLivesInTargetFolderWhileWriting()
    {
        // Same folder means the final rename never crosses a file system (a copy would not be atomic).
        string path = Path.Combine(folder, "x.bin");
        string[] during = Array.Empty<string>();
        AtomicFile.Write(path, stream =>
        {
            stream.WriteByte(7);
            during = Directory.GetFiles(folder);
        });

        Assert.That(during, Has.Length.EqualTo(1));
        Assert.That(Path.GetFileName(during[0]), Does.StartWith(".x.bin.").And.EndWith(".tmp"));
        Assert.That(File.Exists(path), Is.True);
    }

    // Names at or near the 255-byte limit (each plus "x"): 250 ASCII, 'é' (2 bytes) filling the limit
    // exactly with the cut inside a character, CJK (3 bytes), and emoji (4 bytes, a surrogate pair
    // in .NET). The target fitted but ".<name>.<32 hex>.tmp" did not, and the write failed.
    [TestCase(250, "a")]
    [TestCase(127, "é")]
    [TestCase(84, "字")]
    [TestCase(63, "😀")]
    public void ATargetNameNearTheLimitIsWrittenThroughATempNameThatFits(int repeat, string character)
    {
        string name = string.Concat(Enumerable.Repeat(character, repeat)) + "x";
        Assert.That(Encoding.UTF8.GetByteCount(name), Is.InRange(250, AtomicFile.MaxNameBytes), "the case");
        string path = Path.Combine(folder, name);
        string temp = "";

        AtomicFile.Write(path, stream =>
        {
            stream.WriteByte(1);
            temp = Path.GetFileName(Directory.GetFiles(folder).Single());
        });

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 1 }));
        Assert.That(Directory.GetFiles(folder), Is.EqualTo(new[] { path }), "no temp file may remain");
        Assert.That(Encoding.UTF8.GetByteCount(temp), Is.LessThanOrEqualTo(AtomicFile.MaxNameBytes));
        Assert.That(temp, Does.Match("^\\..+\\.[0-9a-f]{32}\\.tmp$"));
        // The kept part is a start of the name cut between characters: strict UTF-8 can encode it.
        string kept = temp[1..^(1 + 32 + 4)];
        Assert.That(name, Does.StartWith(kept));
        Assert.That(() => new UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(kept), Throws.Nothing);
        // Room left by ".", "." + 32 hex digits and ".tmp"; less than one character (4 bytes) of it unused.
        int room = AtomicFile.MaxNameBytes - 1 - 33 - 4;
        Assert.That(Encoding.UTF8.GetByteCount(kept), Is.InRange(room - 3, room), "no more is cut than needed");
    }

    [Test]
    public void TempPathsOfOneLongTargetDifferAndKeepTheSuffix()
    {
        string target = Path.Combine(folder, new string('v', 240) + ".annotated.mp4");

        string first = AtomicFile.TempPath(target, ".tmp.mp4");
        string second = AtomicFile.TempPath(target, ".tmp.mp4");

        Assert.That(first, Is.Not.EqualTo(second));
        Assert.That(Path.GetDirectoryName(first), Is.EqualTo(folder));
        Assert.That(Path.GetFileName(first), Does.StartWith(".vvv").And.EndWith(".tmp.mp4"));
        Assert.That(Encoding.UTF8.GetByteCount(Path.GetFileName(first)), Is.EqualTo(AtomicFile.MaxNameBytes));
    }

    [Test]
    public void ATargetNameOverTheLimitIsOneClearErrorAndWritesNothing()
    {
        string name = string.Concat(Enumerable.Repeat("é", 128));   // 256 bytes, 128 characters
        string path = Path.Combine(folder, name);

        var error = Assert.Throws<PathTooLongException>(() => AtomicFile.WriteAllText(path, "text"));

        Assert.That(error!.Message,
            Is.EqualTo($"cannot write '{path}': file name too long: 256 bytes, the limit is 255"));
        Assert.That(AtomicFile.NameTooLong(Path.Combine(folder, new string('a', 255))), Is.Null);
        Assert.That(Directory.GetFileSystemEntries(folder), Is.Empty);
    }
}
