using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Hosting;

/// <summary>
/// Path values that are wrong on their face (empty, or a file where a folder belongs) are usage
/// errors (exit 2) naming the option, found before any verb starts its work. "{f}" in a case is
/// an existing file, "{d}" an existing folder, "{m}" a path that does not exist.
/// </summary>
[TestFixture]
public sealed class PathOptionTests
{
    private TempFolder _temp = null!;
    private string _file = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        _file = Path.Combine(_temp.Path, "taken.txt");
        File.WriteAllText(_file, "a file, not a folder\n");
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [TestCase("--data", "train emotion --data _ --out {m}")]
    [TestCase("--out", "train emotion --data {d} --out _")]
    [TestCase("--manifest", "train speech --manifest _ --out {m}")]
    [TestCase("--out", "train speech --manifest {f} --out _")]
    [TestCase("--valid", "train speech --manifest {f} --out {m} --valid _")]
    [TestCase("--images", "train caption --images _ --captions {f} --out {m}")]
    [TestCase("--captions", "train caption --images {d} --captions _ --out {m}")]
    [TestCase("--cache", "train caption --images {d} --captions {f} --out {m} --cache _")]
    [TestCase("--out", "train video-predict --out _")]
    [TestCase("--mnist", "train video-predict --out {m} --mnist _")]
    [TestCase("--model", "transcribe {f} --model _")]
    [TestCase("--out", "transcribe {f} --out _")]
    [TestCase("paths", "transcribe {f} _")]
    [TestCase("--model", "caption {f} --model _")]
    [TestCase("--out", "caption {f} --out _")]
    [TestCase("--html", "caption {f} --html _")]
    [TestCase("paths", "caption _")]
    [TestCase("--manifest", "eval speech --manifest _")]
    [TestCase("--model", "eval speech --manifest {f} --model _")]
    [TestCase("--images", "eval caption --images _ --captions {f}")]
    [TestCase("--captions", "eval caption --images {d} --captions _")]
    [TestCase("--data", "eval emotion --data _")]
    [TestCase("--model", "eval emotion --data {d} --model _")]
    [TestCase("--model", "eval video-predict --model _")]
    [TestCase("--mnist", "eval video-predict --mnist _")]
    [TestCase("clip", "video predict _")]
    [TestCase("--model", "video predict {f} --model _")]
    [TestCase("--out", "video predict {f} --out _")]
    [TestCase("paths", "video emotion _")]
    [TestCase("--out", "video emotion {f} --out _")]
    [TestCase("--model", "video emotion {f} --model _")]
    [TestCase("--cascade", "video emotion {f} --cascade _")]
    [TestCase("--models-dir", "models --models-dir _")]
    public void An_empty_path_is_a_usage_error_naming_the_option(string option, string line)
    {
        // "_" stands for the empty argument, as `--data "$UNSET"` gives it.
        var run = CliRun.Invoke(Args(line, empty: "_"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.Error);
        string first = run.Error.Split('\n')[0];
        Assert.That(first, Does.StartWith($"error: {option}").And.Contain("empty string"), run.Error);
        Assert.That(run.Out, Is.Empty);
    }

    [TestCase("train emotion --data {d} --out {f}")]
    [TestCase("train speech --manifest {f} --out {f}")]
    [TestCase("train caption --images {d} --captions {f} --out {f}")]
    [TestCase("train caption --images {d} --captions {f} --out {m} --cache {f}")]
    [TestCase("train video-predict --out {f} --epochs 1 --batches 1")]
    [TestCase("transcribe {f} --out {f}")]
    [TestCase("video predict {f} --out {f}")]
    [TestCase("video emotion {f} --out {f}")]
    public void A_file_where_a_folder_belongs_is_a_usage_error_naming_the_file(string line)
    {
        var run = CliRun.Invoke(Args(line, empty: null));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.Error);
        string expected = $"^error: --(out|cache): '{Regex(_file)}' is a file, not a folder$";
        Assert.That(run.Error.Split('\n')[0], Does.Match(expected), run.Error);
        Assert.That(run.Out, Is.Empty, "nothing ran");
        Assert.That(File.ReadAllText(_file), Is.EqualTo("a file, not a folder\n"));
    }

    [TestCase("--html", "caption {f} --html {d}")]
    [TestCase("--out", "caption {f} --out {d}")]
    public void A_folder_where_a_file_belongs_is_a_usage_error_naming_the_folder(string option, string line)
    {
        var run = CliRun.Invoke(Args(line, empty: null));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.Error);
        Assert.That(run.Error.Split('\n')[0],
            Is.EqualTo($"error: {_temp.Path}: is a folder; {option} needs a file name"));
        Assert.That(run.Out, Is.Empty, "nothing ran");
    }

    [Test]
    public void A_caption_out_file_of_another_kind_is_a_usage_error()
    {
        var run = CliRun.Invoke(Args("caption {f} --out {f}", empty: null));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.Error);
        Assert.That(run.Error.Split('\n')[0], Is.EqualTo($"error: {_file}: --out must end in .jsonl or .csv"));
        Assert.That(File.ReadAllText(_file), Is.EqualTo("a file, not a folder\n"));
    }

    private string[] Args(string line, string? empty) => line.Split(' ')
        .Select(a => a == empty ? "" : a
            .Replace("{f}", _file, StringComparison.Ordinal)
            .Replace("{d}", _temp.Path, StringComparison.Ordinal)
            .Replace("{m}", Path.Combine(_temp.Path, "missing"), StringComparison.Ordinal))
        .ToArray();

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);
}
