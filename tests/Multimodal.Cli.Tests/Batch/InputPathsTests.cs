using Multimodal.Cli.Batch;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Batch;

[TestFixture]
public sealed class InputPathsTests
{
    private TempFolder _temp = null!;
    private string _real = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        // The temp folder itself may sit behind a link (/tmp on some systems): compare with its real form.
        _real = InputPaths.Canonical(_temp.Path);
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void FilesIn_lists_a_folder_and_gives_a_reason_for_one_it_cannot_list()
    {
        string folder = _temp.Sub("audio");
        Touch(folder, "a.wav");
        Touch(folder, "b.wav");
        Assert.That(InputPaths.FilesIn(folder, out var none)!.Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { "a.wav", "b.wav" }));
        Assert.That(none, Is.Null);

        // A folder that went away between the check and the listing (root cannot be refused a
        // listing, so the permission case was checked by hand as nobody: "cannot read folder:
        // permission denied", the other files transcribed, exit 1).
        Assert.That(InputPaths.FilesIn(Path.Combine(_temp.Path, "gone"), out var problem), Is.Null);
        Assert.That(problem, Does.StartWith("cannot read folder"));
    }

    // Files that are not regular files, told by the C library's stat on Linux: a named pipe, a
    // device; a regular file, a link to one and a missing path have no such reason.
    [Test]
    public void NotRegular_names_pipes_and_devices_and_passes_files()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("stat is asked on Linux only");
        }

        string file = Touch(_temp.Path, "a.wav"), link = Path.Combine(_temp.Path, "l.wav");
        File.CreateSymbolicLink(link, file);
        string pipe = Path.Combine(_temp.Path, "p.wav");
        NamedPipes.Make(pipe);

        Assert.That(InputPaths.NotRegular(file), Is.Null);
        Assert.That(InputPaths.NotRegular(link), Is.Null);
        Assert.That(InputPaths.NotRegular(Path.Combine(_temp.Path, "none.wav")), Is.Null);
        Assert.That(InputPaths.NotRegular(pipe), Does.StartWith("a named pipe, not a file"));
        Assert.That(InputPaths.NotRegular("/dev/null"), Is.EqualTo("a device, not a file"));
    }

    // What a shell's <(cmd) or /dev/stdin hands over: a link whose target ("pipe:[569499]") names no
    // file, leading to a pipe. It is a pipe to the reader, not a link to nothing.
    [Test]
    public void A_link_to_an_anonymous_pipe_is_a_pipe_not_a_dangling_link()
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh",
            ["-c", "ls -l /proc/self/fd/0 >/dev/null; sleep 5"]) { RedirectStandardInput = true })!;
        string stdin = $"/proc/{process.Id}/fd/0";   // the child's stdin: a link to pipe:[...]
        try
        {
            Assert.That(new FileInfo(stdin).LinkTarget, Does.StartWith("pipe:["));
            Assert.That(InputPaths.NotRegular(stdin), Does.StartWith("a named pipe, not a file"));
        }
        finally
        {
            process.Kill();
        }
    }

    // Found by a new-user trial (as nobody): a file inside a folder that may not be looked into
    // was "no such file or folder", and a manifest there "does not exist". Root may look into any
    // folder, so there the test cannot make one and says so.
    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_path_behind_a_closed_folder_says_permission_denied_on_that_folder()
    {
        string folder = _temp.Sub("closed");
        Touch(folder, "a.wav");
        File.SetUnixFileMode(folder, UnixFileMode.None);
        try
        {
            if (InputPaths.FilesIn(folder, out _) is not null)
            {
                Assert.Ignore("running as root: every folder can be looked into, so none is closed");
            }

            string inside = Path.Combine(folder, "a.wav");
            Assert.That(InputPaths.Missing(inside),
                Is.EqualTo($"cannot be reached: permission denied on the folder {folder}"));
            Assert.That(CliException.MissingFile(inside, "manifest").Reason,
                Is.EqualTo($"cannot be reached: permission denied on the folder {folder}"));
        }
        finally
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    // As a user other than root, an unreadable folder among the inputs is one failed input
    // with its reason, not an exception that ends the batch. Root reads any folder, so there
    // the test cannot make one and says so.
    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void An_unreadable_folder_is_one_bad_input_not_the_end_of_the_batch()
    {
        string folder = _temp.Sub("locked");
        Touch(folder, "a.wav");
        File.SetUnixFileMode(folder, UnixFileMode.None);
        try
        {
            if (InputPaths.FilesIn(folder, out _) is not null)
            {
                Assert.Ignore("running as root: every folder can be listed, so none is unreadable");
            }

            var inputs = Multimodal.Cli.Commands.AudioInputs.Expand(new[] { folder });
            Assert.That(inputs, Has.Count.EqualTo(1));
            Assert.That(inputs[0].Problem, Is.EqualTo("cannot read folder: permission denied"));
        }
        finally
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Test]
    public void Dots_and_doubled_separators_give_the_plain_full_path()
    {
        string file = Touch(_temp.Sub("a"), "x.png");
        string spelled = Path.Combine(_temp.Path, ".", "a", "..", "a") + "//x.png";

        Assert.That(InputPaths.Canonical(spelled), Is.EqualTo(InputPaths.Canonical(file)));
        Assert.That(InputPaths.Canonical(file), Is.EqualTo(Path.Combine(_real, "a", "x.png")));
    }

    [Test]
    public void A_link_to_a_file_and_a_link_to_a_folder_on_the_way_both_lead_to_the_file()
    {
        string file = Touch(_temp.Sub("photos"), "x.png");
        string fileLink = Path.Combine(_temp.Path, "latest.png");
        File.CreateSymbolicLink(fileLink, file);
        string folderLink = Path.Combine(_temp.Path, "album");
        Directory.CreateSymbolicLink(folderLink, "photos");   // relative to the link's folder

        string expected = Path.Combine(_real, "photos", "x.png");
        Assert.That(InputPaths.Canonical(fileLink), Is.EqualTo(expected));
        Assert.That(InputPaths.Canonical(Path.Combine(folderLink, "x.png")), Is.EqualTo(expected));
    }

    [Test]
    public void Dot_dot_after_a_folder_link_steps_up_from_the_link_target_as_the_system_does()
    {
        string deep = _temp.Sub(Path.Combine("deep", "inner"));
        Touch(Path.Combine(_real, "deep"), "y.png");
        Directory.CreateSymbolicLink(Path.Combine(_temp.Path, "short"), deep);

        // short/.. is deep (the target's parent), not the temp folder the text suggests.
        string viaLink = Path.Combine(_temp.Path, "short") + "/../y.png";
        Assert.That(InputPaths.Canonical(viaLink), Is.EqualTo(Path.Combine(_real, "deep", "y.png")));
    }

    [Test]
    public void A_loop_of_links_and_an_empty_path_stand_for_themselves()
    {
        string a = Path.Combine(_temp.Path, "a");
        string b = Path.Combine(_temp.Path, "b");
        File.CreateSymbolicLink(a, b);
        File.CreateSymbolicLink(b, a);

        Assert.That(InputPaths.Canonical(a), Is.EqualTo(a));
        Assert.That(InputPaths.NotRegular(a), Is.EqualTo($"a link to {b} that leads back to itself (a loop of links)"));
        Assert.That(InputPaths.Canonical(""), Is.EqualTo(""));
        Assert.That(InputPaths.Canonical(Path.Combine(_temp.Path, "missing", "z.png")),
            Is.EqualTo(Path.Combine(_real, "missing", "z.png")));
    }

    [Test]
    public void Once_keeps_the_first_of_each_file_in_order_and_reports_the_others()
    {
        string x = Touch(_temp.Path, "x.png");
        string y = Touch(_temp.Path, "y.png");
        string link = Path.Combine(_temp.Path, "link.png");
        File.CreateSymbolicLink(link, x);
        var reported = new List<(string Again, string First)>();

        var kept = InputPaths.Once([x, y, link, "bad", x], p => p, p => p == "bad",
            (again, first) => reported.Add((again, first)));

        Assert.That(kept, Is.EqualTo(new[] { x, y, "bad" }));
        Assert.That(reported, Is.EqualTo(new[] { (link, x), (x, x) }));
    }

    // Each bad input named twice was kept twice, so its error line was printed and counted twice.
    [Test]
    public void Once_leaves_out_a_bad_input_named_again_without_a_warning()
    {
        string missing = Path.Combine(_temp.Path, "missing.png");
        string dotted = Path.Combine(_temp.Path, ".", "missing.png");
        var reported = new List<(string Again, string First)>();

        var kept = InputPaths.Once([missing, "other", dotted, missing], p => p, p => p != "other",
            (again, first) => reported.Add((again, first)));

        Assert.That(kept, Is.EqualTo(new[] { missing, "other" }));
        Assert.That(reported, Is.Empty, "the first one's error line is enough");
    }

    private static string Touch(string folder, string name)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, "");
        return path;
    }

    [TestCase("a/x.wav", null, "a/x.wav", "a", "given more than once (in folder a and directly); done once")]
    [TestCase("a/x.wav", "a", "a/x.wav", null, "given more than once (directly and in folder a); done once")]
    [TestCase("a/x.wav", "a", "./a/x.wav", null, "given more than once (as ./a/x.wav and in folder a); done once")]
    [TestCase("a/x.wav", "a", "a/x.wav", "a", "given more than once (in folder a, twice); done once")]
    [TestCase("./x.wav", null, "x.wav", null, "given more than once (also as x.wav); done once")]
    [TestCase("x.wav", null, "x.wav", null, "given more than once (the same path twice); done once")]
    public void The_warning_says_how_each_was_given(
        string again, string? againFolder, string first, string? firstFolder, string expected)
    {
        Assert.That(InputPaths.GivenAgain(again, againFolder, first, firstFolder, "done once"), Is.EqualTo(expected));
    }
}
