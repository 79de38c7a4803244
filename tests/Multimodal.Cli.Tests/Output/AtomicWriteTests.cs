using Multimodal.Cli.Output;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Output;

[TestFixture]
public sealed class AtomicWriteTests
{
    [Test]
    public void Writes_and_replaces_leaving_no_temp_files()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "out", "a.txt");

        AtomicWrite.Text(path, "first");
        AtomicWrite.Text(path, "second");

        Assert.That(File.ReadAllText(path), Is.EqualTo("second"));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void A_failed_write_keeps_the_old_file_and_cleans_up()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "a.txt");
        AtomicWrite.Text(path, "old");

        Assert.That(() => AtomicWrite.Stream(path, s =>
        {
            s.WriteByte(1);
            throw new IOException("disk full");
        }), Throws.InstanceOf<IOException>().With.Message.EqualTo("disk full"));

        Assert.That(File.ReadAllText(path), Is.EqualTo("old"));
        Assert.That(Directory.GetFiles(temp.Path), Is.EqualTo(new[] { path }));
    }
}
