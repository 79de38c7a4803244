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
}
