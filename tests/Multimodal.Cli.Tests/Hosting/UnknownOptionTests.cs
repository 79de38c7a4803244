using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Hosting;

/// <summary>
/// Command-line mistakes are usage errors naming the option (exit 2, nothing done). A mistyped
/// option after a PATHS argument is not a missing file with the rest run on defaults
/// (System.CommandLine hands such a token to the argument, so the verbs with PATHS check it
/// themselves); a value out of range, NaN included, is not found late. "{f}" is an existing file,
/// "{m}" a folder that does not exist yet.
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

    // After "--" a word is a path even when no such file exists: the error is the missing file's,
    // not "unknown option" (the parser's tokens do not say they came after "--").
    [Test]
    public void After_a_double_dash_a_missing_path_is_a_missing_file_not_an_unknown_option()
    {
        var run = CliRun.Invoke(["transcribe", "--model", _missing, "--", "--gone-nowhere.wav"]);

        Assert.That(run.Error, Does.Not.Contain("unknown option"), run.Error);
        Assert.That(run.ExitCode, Is.Not.EqualTo(ExitCodes.Usage), run.Error);
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

    // NaN is out of every real option's range: a usage error naming the option and the value
    // (exit 2, nothing done), as for any other value outside it; so is a malformed list or a patch
    // that does not divide the frame. NaN compares false with everything, so range checks written
    // as "x below min or above max" let it through, and the verbs failed late (after decoding audio
    // or encoding images) or as an "unexpected" error. "{t}" is an existing folder.
    [TestCase("caption {f} --length-penalty NaN", "--length-penalty")]
    [TestCase("video emotion {f} --window NaN", "--window")]
    [TestCase("video emotion {f} --fps NaN", "--fps")]
    [TestCase("train speech --manifest {f} --out {m} --lr NaN", "--lr")]
    [TestCase("train speech --manifest {f} --out {m} --valid-fraction NaN", "--valid-fraction")]
    [TestCase("train caption --images {t} --captions {f} --out {m} --dropout NaN", "--dropout")]
    [TestCase("train emotion --data {t} --out {m} --lr NaN", "--lr")]
    [TestCase("train video-predict --out {m} --lr NaN", "--lr")]
    [TestCase("train video-predict --out {m} --teacher-forcing NaN", "--teacher-forcing")]
    [TestCase("train video-predict --out {m} --teacher-forcing 1.5", "--teacher-forcing")]
    [TestCase("train video-predict --out {m} --hidden 0,4", "--hidden: expected filter counts")]
    [TestCase("train video-predict --out {m} --patch 3", "--patch must divide the 64-pixel frame")]
    [TestCase("train video-predict --out {m} --patch 1000",
        "--patch must divide the 64-pixel frame (1, 2, 4, 8, 16, 32, 64); got 1000")]
    [TestCase("train caption --images {t} --captions {f} --out {m} --cnn-channels 0,-1", "--cnn-channels: expected")]
    [TestCase("train caption --images {t} --captions {f} --out {m} --cnn-channels 8,,8", "--cnn-channels: expected")]
    [TestCase("train video-predict --out {m} --hidden 16,16,", "--hidden: expected filter counts")]
    public void NaN_or_a_value_out_of_range_is_a_usage_error(string line, string option)
    {
        var run = CliRun.Invoke(Args(line));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.Error);
        Assert.That(run.Error, Does.Contain(option.Contains(' ') ? option : $"{option} must be between"), run.Error);
        Assert.That(run.Error, Does.Not.Contain("unexpected"));
        Assert.That(Directory.Exists(_missing), Is.False, "nothing ran");
    }

    // A whole number too large for an int is out of range like any other (System.CommandLine's
    // own text was "Cannot parse argument ... as expected type 'System.Int32'"), and a value that
    // is no whole number says so, in every integer option.
    [TestCase("transcribe {f} --beam 99999999999", "--beam must be between 0 and 1024; got 99999999999")]
    [TestCase("transcribe {f} --jobs -99999999999", "--jobs must be between 0 (every core) and 256; got -99999999999")]
    [TestCase("caption {f} --beam 1e3", "--beam takes a whole number; got '1e3'")]
    [TestCase("eval video-predict --model {m} --sequences 0x10", "--sequences takes a whole number; got '0x10'")]
    [TestCase("video predict {f} --frames 99999999999", "--frames must be between 1 and 1000; got 99999999999")]
    [TestCase("train video-predict --out {m} --epochs 3.5", "--epochs takes a whole number; got '3.5'")]
    public void An_integer_option_out_of_int_range_or_not_whole_is_a_usage_error(string line, string message)
    {
        var run = CliRun.Invoke(Args(line));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.Error);
        Assert.That(run.Error, Does.StartWith($"error: {message}"), run.Error);
        Assert.That(run.Error, Does.Not.Contain("Int32"));
        Assert.That(Directory.Exists(_missing), Is.False, "nothing ran");
    }

    private string[] Args(string line) => line.Split(' ')
        .Select(a => a.Replace("{f}", _file, StringComparison.Ordinal)
            .Replace("{m}", _missing, StringComparison.Ordinal)
            .Replace("{t}", _temp.Path, StringComparison.Ordinal))
        .ToArray();
}
