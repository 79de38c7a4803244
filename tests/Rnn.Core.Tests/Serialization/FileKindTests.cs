using Rnn.Core.Serialization;

namespace Rnn.Core.Tests.Serialization;

public sealed class FileKindTests
{
    // 22 folders of 200 letters: every name fits, the whole path does not.
    private static readonly string Deep =
        "/tmp/" + string.Join('/', Enumerable.Repeat(new string('d', 200), 22)) + "/x.wav";

    [Test]
    public void A_path_over_4095_bytes_in_full_is_too_long()
    {
        int bytes = System.Text.Encoding.UTF8.GetByteCount(Deep);

        Assert.That(FileKind.PathTooLong(Deep),
            Is.EqualTo($"the path is too long: {bytes} bytes in full, the system takes at most 4095"));
        Assert.That(FileKind.FullPathTooLong(Deep), Is.EqualTo(FileKind.PathTooLong(Deep)));
    }

    [Test]
    public void A_relative_path_counts_in_full()
    {
        // Short as given, but .NET opens every path by its full form.
        string current = Environment.CurrentDirectory;
        int room = FileKind.MaxPathBytes - System.Text.Encoding.UTF8.GetByteCount(current) - 1;
        string relative = string.Join('/', Enumerable.Repeat(new string('r', 99), room / 100 + 1));

        Assert.That(FileKind.PathTooLong(relative), Does.StartWith("the path is too long: "));
        Assert.That(FileKind.PathTooLong(relative[..(relative.Length / 2)]), Is.Null);
    }

    [Test]
    public void A_name_over_255_bytes_is_named_first()
    {
        string path = "/tmp/" + new string('n', 256) + "/" + Deep;

        Assert.That(FileKind.PathTooLong(path),
            Is.EqualTo("a name in the path is too long (at most 255 bytes a name)"));
        Assert.That(FileKind.FullPathTooLong(path), Does.StartWith("the path is too long"));
    }

    [TestCase("")]
    [TestCase("a/b.wav")]
    [TestCase("/tmp/x\0y")]
    public void Ordinary_paths_are_not_too_long(string path) => Assert.That(FileKind.PathTooLong(path), Is.Null);
}
