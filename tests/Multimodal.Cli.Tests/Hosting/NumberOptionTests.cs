using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Hosting;

/// <summary>
/// NaN is out of every real option's range: a usage error naming the option and the value (exit
/// 2, nothing done), as for any other value outside it; so is a malformed list or a patch that
/// does not divide the frame. It compares false with everything, so
/// range checks written as "x below min or above max" let it through, and the verbs failed late:
/// after decoding audio or encoding images, or as an "unexpected" error. "{f}" is an existing
/// file, "{m}" a folder that does not exist yet.
/// </summary>
[TestFixture]
public sealed class NumberOptionTests
{
    private TempFolder _temp = null!;
    private string _file = null!;
    private string _missing = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        _file = Path.Combine(_temp.Path, "in.tsv");
        File.WriteAllText(_file, "never read\n");
        _missing = Path.Combine(_temp.Path, "out");
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

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
    [TestCase("train caption --images {t} --captions {f} --out {m} --cnn-channels 0,-1", "--cnn-channels: expected")]
    public void NaN_or_a_value_out_of_range_is_a_usage_error(string line, string option)
    {
        var args = line.Split(' ')
            .Select(a => a.Replace("{f}", _file).Replace("{m}", _missing).Replace("{t}", _temp.Path))
            .ToArray();
        var run = CliRun.Invoke(args);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.Error);
        Assert.That(run.Error, Does.Contain(option.Contains(' ') ? option : $"{option} must be between"), run.Error);
        Assert.That(run.Error, Does.Not.Contain("unexpected"));
        Assert.That(Directory.Exists(_missing), Is.False, "nothing ran");
    }
}
