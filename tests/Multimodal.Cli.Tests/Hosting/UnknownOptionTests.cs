using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Hosting;

/// <summary>
/// A mistyped option after a PATHS argument is a usage error naming it (exit 2, nothing done),
/// not a missing file with the rest run on defaults. System.CommandLine hands such a token to the
/// argument, so the verbs with PATHS check it themselves; "{f}" is an existing file, "{m}" a
/// folder that does not exist yet.
/// </summary>
[TestFixture]
public sealed class UnknownOptionTests
{
    private TempFolder _temp = null!;
    private string _file = null!;
    private string _missing = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        _file = Path.Combine(_temp.Path, "clip.wav");
        File.WriteAllText(_file, "not audio, and never read\n");
        _missing = Path.Combine(_temp.Path, "out");
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [TestCase("transcribe {f} --fromat srt --out {m}", "--fromat")]
    [TestCase("transcribe --digts {f}", "--digts")]
    [TestCase("caption {f} --beem 5", "--beem")]
    [TestCase("caption {f} -x", "-x")]
    [TestCase("video emotion {f} --windw 3 --out {m}", "--windw")]
    public void A_mistyped_option_is_a_usage_error_naming_it(string line, string option)
    {
        var run = CliRun.Invoke(Args(line));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.Error);
        Assert.That(run.Error.Split('\n')[0], Does.StartWith($"error: unknown option '{option}'"), run.Error);
        Assert.That(run.Error, Does.Not.Contain("no such file"));
        Assert.That(run.Out, Is.Empty);
        Assert.That(Directory.Exists(_missing), Is.False, "nothing ran");
    }

    [TestCase("./--odd.wav")]
    [TestCase("--", "--odd.wav")]
    public void A_file_named_like_an_option_can_still_be_given(params string[] spelling)
    {
        File.WriteAllText(Path.Combine(_temp.Path, "--odd.wav"), "not audio\n");
        string before = Environment.CurrentDirectory;
        CliRun run;
        try
        {
            // The name is relative, so the test runs from the folder that holds it.
            Environment.CurrentDirectory = _temp.Path;
            run = CliRun.Invoke(["transcribe", "--model", _missing, .. spelling]);
        }
        finally
        {
            Environment.CurrentDirectory = before;
        }

        // Parsed as a path: the verb ran and failed on the (missing) model, not on the command line.
        Assert.That(run.ExitCode, Is.Not.EqualTo(ExitCodes.Usage), run.Error);
        Assert.That(run.Error, Does.Not.Contain("unknown option"));
    }

    private string[] Args(string line) => line.Split(' ')
        .Select(a => a.Replace("{f}", _file, StringComparison.Ordinal)
            .Replace("{m}", _missing, StringComparison.Ordinal))
        .ToArray();
}
