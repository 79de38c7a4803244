using Multimodal.Cli.Hosting;

namespace Multimodal.Cli.Tests.Hosting;

// A full disk or quota is said of the folder being written (the temporary file .NET names is gone,
// since outputs are written through one and renamed); the errno is the IOException's HResult on Linux.
[TestFixture]
public sealed class ErrorLineTests
{
    [TestCase(28, "cannot write in /data/out: no space left on the device")]
    [TestCase(122, "cannot write in /data/out: disk quota exceeded")]
    public void A_full_disk_names_the_folder_not_the_temporary_file(int errno, string expected)
    {
        var full = new IOException("No space left on device : '/data/out/.x.json.1234abcd.tmp'", errno);

        Assert.That(ErrorLine.OutOfSpace(full), Is.EqualTo(expected));
    }

    [Test]
    public void Other_errors_are_left_to_their_own_message()
    {
        Assert.That(ErrorLine.OutOfSpace(new IOException("Input/output error : '/x'", 5)), Is.Null);
        Assert.That(ErrorLine.OutOfSpace(new InvalidDataException("bad")), Is.Null);
    }
}
