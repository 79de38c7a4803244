using Multimodal.Cli.Batch;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Batch;

[TestFixture]
public sealed class OutputFolderTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    /// <summary>Whether a new file can be made in <paramref name="folder"/> (false when it does not exist).</summary>
    internal static bool Writable(string folder)
    {
        try
        {
            using (File.Create(Path.Combine(folder, $".probe-{Guid.NewGuid():N}"), 1, FileOptions.DeleteOnClose))
            {
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [Test]
    public void A_missing_folder_is_created_and_leaves_no_probe_behind()
    {
        string folder = Path.Combine(_temp.Path, "a", "b");

        OutputFolder.Prepare(folder, "--out");

        Assert.That(Directory.Exists(folder), Is.True);
        Assert.That(Directory.GetFileSystemEntries(folder), Is.Empty);
    }

    // Root writes into any folder whatever its mode, so there the condition cannot be made; run the
    // tests as another user (setpriv --reuid=nobody ...) to see this one run.
    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_folder_without_write_permission_is_one_error_that_says_permission_denied()
    {
        string folder = _temp.Sub("locked");
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            if (Writable(folder))
            {
                Assert.Ignore("running as root: a folder without write permission still takes files");
            }

            var e = Assert.Throws<CliException>(() => OutputFolder.Prepare(folder, "--out"));
            Assert.That(e!.Subject, Is.EqualTo(folder));
            Assert.That(e.Reason, Is.EqualTo("--out folder does not accept new files: permission denied"));
            var under = Path.Combine(folder, "sub");
            e = Assert.Throws<CliException>(() => OutputFolder.Prepare(under, "--out"));
            Assert.That(e!.Reason, Is.EqualTo("--out folder cannot be created: permission denied"));
        }
        finally
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
