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

    [Test]
    public void A_reservation_removes_the_folders_it_made_while_they_are_empty()
    {
        string top = Path.Combine(_temp.Path, "a");
        string folder = Path.Combine(top, "b", "c");

        using (OutputFolder.Reserve(folder, "--out"))
        {
            Assert.That(Directory.Exists(folder), Is.True, "made up front");
        }

        Assert.That(Directory.Exists(top), Is.False, "a run that wrote nothing leaves nothing");
        Assert.That(Directory.Exists(_temp.Path), Is.True);
    }

    [Test]
    public void A_reservation_keeps_what_the_run_wrote_and_a_folder_that_was_there()
    {
        string written = Path.Combine(_temp.Path, "new", "model");
        string existing = _temp.Sub("old");

        using (OutputFolder.Reserve(written, "--out"))
        using (OutputFolder.Reserve(existing, "--out"))
        {
            File.WriteAllText(Path.Combine(written, "config.json"), "{}");
        }

        Assert.That(File.Exists(Path.Combine(written, "config.json")), Is.True);
        Assert.That(Directory.Exists(existing), Is.True, "not this run's to remove, even empty");
    }

    // These verbs found out at their first write, after the model had loaded, the data had been
    // read and (training) an epoch had run. "{o}" is the unusable folder, "{f}" a plain file (so a
    // clip, manifest or caption file that would fail next), "{d}" a folder, "{m}" a missing path.
    [TestCase("video predict {f} --out {o}")]
    [TestCase("train speech --manifest {f} --out {o}")]
    [TestCase("train caption --images {d} --captions {f} --out {o}")]
    [TestCase("train caption --images {d} --captions {f} --out {m} --cache {o}")]
    [TestCase("train emotion --data {d} --out {o}")]
    [TestCase("train video-predict --out {o}")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void An_unusable_out_folder_is_one_error_line_before_any_work(string line)
    {
        string deep = Path.Combine(_temp.Path, string.Join('/', Enumerable.Repeat(new string('d', 200), 22)));
        string file = Path.Combine(_temp.Path, "notes.txt");
        File.WriteAllText(file, "a file, not a folder");
        string missing = Path.Combine(_temp.Path, "missing");
        string option = line.Contains("--cache", StringComparison.Ordinal) ? "--cache" : "--out";
        var unusable = new List<(string Folder, string Reason)>
        {
            (Path.Combine(file, "out"), $"{option} folder cannot be created: {file} is a file, not a folder"),
            // Without its own reason .NET's message repeated the 300-character name.
            (Path.Combine(_temp.Path, new string('n', 300)),
                $"{option} folder cannot be created: a name in the path is too long (at most 255 bytes a name here)"),
            // Every name fits, the whole path does not: it was blamed on a name.
            (deep, $"{option} folder cannot be created: the path is too long: " +
                $"{System.Text.Encoding.UTF8.GetByteCount(deep)} bytes in full, the system takes at most 4095"),
        };
        if (Directory.Exists("/proc/self") && !Writable("/proc"))
        {
            // /proc refuses mkdir even to root, so this runs everywhere the tests do.
            unusable.Add(("/proc/forbidden", $"{option} folder cannot be created: the system answers 'no such"));
        }

        string locked = _temp.Sub("locked");
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        if (!Writable(locked))
        {
            // Only as a user other than root (setpriv --reuid=nobody ...): root writes anywhere.
            unusable.Add((Path.Combine(locked, "out"), $"{option} folder cannot be created: permission denied"));
        }

        foreach (var (folder, reason) in unusable)
        {
            string[] args = line.Split(' ').Select(a => a
                .Replace("{o}", folder, StringComparison.Ordinal)
                .Replace("{f}", file, StringComparison.Ordinal)
                .Replace("{d}", _temp.Path, StringComparison.Ordinal)
                .Replace("{m}", missing, StringComparison.Ordinal)).ToArray();

            var run = CliRun.Invoke(args);

            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
            Assert.That(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single(),
                Does.StartWith($"error: {folder}: {reason}"));
            Assert.That(run.Out, Is.Empty, "nothing ran");
            Assert.That(Directory.Exists(missing), Is.False, "the --out made for the run is gone again");
        }
    }

    // A train verb writes its checkpoints into OUT/checkpoints; a file of that name was found only
    // when the first checkpoint was written, after an epoch of training.
    [TestCase("train speech --manifest {f} --out {o}")]
    [TestCase("train caption --images {d} --captions {f} --out {o}")]
    [TestCase("train emotion --data {d} --out {o}")]
    [TestCase("train video-predict --out {o}")]
    public void A_file_where_the_checkpoints_folder_belongs_is_one_error_line_before_any_work(string line)
    {
        string file = Path.Combine(_temp.Path, "notes.txt");
        File.WriteAllText(file, "a file, not a folder");
        string output = _temp.Sub("model");
        string checkpoints = Path.Combine(output, "checkpoints");
        File.WriteAllText(checkpoints, "not a folder either");
        string[] args = line.Split(' ').Select(a => a
            .Replace("{o}", output, StringComparison.Ordinal)
            .Replace("{f}", file, StringComparison.Ordinal)
            .Replace("{d}", _temp.Path, StringComparison.Ordinal)).ToArray();

        var run = CliRun.Invoke(args);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        Assert.That(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single(),
            Does.StartWith($"error: {checkpoints}: --out folder cannot be created: {checkpoints} is a file"));
        Assert.That(run.Out, Is.Empty, "nothing ran");
        Assert.That(Directory.GetFileSystemEntries(output), Is.EqualTo(new[] { checkpoints }), "nothing written");
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
