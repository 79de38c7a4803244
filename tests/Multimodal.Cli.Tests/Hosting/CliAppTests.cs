using System.Reflection;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Hosting;

[TestFixture]
public sealed class CliAppTests
{
    [Test]
    public void Help_lists_every_verb_and_the_global_options()
    {
        var run = CliRun.Invoke(["--help"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(run.Out, Does.Contain("models"));
        Assert.That(run.Out, Does.Contain("--quiet").And.Contain("--device").And.Contain("--version"));
        Assert.That(run.Error, Is.Empty);
    }

    [Test]
    public void Help_lists_each_registered_module()
    {
        var run = CliRun.Invoke(["--help"]);
        var context = new CliContext(new CliEnvironment { Out = TextWriter.Null, Error = TextWriter.Null }, new());

        foreach (var module in CommandModules.All)
        {
            var name = module.Build(context).Name;
            Assert.That(run.Out, Does.Match($@"(?m)^\s+{name}\b"), $"help does not list '{name}'");
        }
    }

    [Test]
    public void Version_prints_the_cli_assembly_version()
    {
        var run = CliRun.Invoke(["--version"]);

        var expected = typeof(CliApp).Assembly.GetName().Version!;
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(run.Out.Trim(), Does.StartWith($"{expected.Major}.{expected.Minor}.{expected.Build}"));
        Assert.That(run.Out.Trim(), Does.Not.Contain("+"), "the commit suffix is stripped");
    }

    [TestCase("transcribe --version")]
    [TestCase("caption --version")]
    [TestCase("video emotion --version")]
    [TestCase("train emotion --version")]
    [TestCase("models --version")]
    public void Version_works_after_the_verb_as_the_readme_says(string line)
    {
        var run = CliRun.Invoke(line.Split(' '));
        var root = CliRun.Invoke(["--version"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Is.EqualTo(root.Out));
        Assert.That(run.Error, Is.Empty);
    }

    [TestCase("train emotion", "--lr", "0.002")]
    [TestCase("train speech", "--lr", "0.002")]
    [TestCase("train caption", "--lr", "0.002")]
    public void Help_shows_float_defaults_at_their_shortest(string verb, string option, string shown)
    {
        var run = CliRun.Invoke([.. verb.Split(' '), "--help"]);

        // The option's entry may wrap: its description runs on over indented lines (joined here).
        string joined = System.Text.RegularExpressions.Regex.Replace(run.Out, @" *\n {20,}", " ");
        Assert.That(joined, Does.Match($@"{option} <{option.TrimStart('-')}>[^\n]*\[default: {shown}\]"));
    }

    // Help going to a file or pipe was not wrapped at all (lines of 309 characters): $COLUMNS sets the
    // width, and without it such help wraps at 100.
    [TestCase(null, 100)]
    [TestCase("60", 60)]
    public void Redirected_help_wraps_at_columns_or_100(string? columns, int width)
    {
        var variables = columns is null ? null : new Dictionary<string, string> { ["COLUMNS"] = columns };

        var run = CliRun.Invoke(["train", "speech", "--help"], variables);

        var lines = run.Out.Split('\n');
        Assert.That(lines.Max(l => l.Length), Is.LessThanOrEqualTo(width));
        Assert.That(lines.Max(l => l.Length), Is.GreaterThan(width - 15), "the width is used");
    }

    [Test]
    public void No_help_shows_a_default_with_float_noise()
    {
        var context = new CliContext(new CliEnvironment { Out = TextWriter.Null, Error = TextWriter.Null }, new());
        var root = CliApp.BuildRoot(context);
        var verbs = root.Subcommands.SelectMany(c => c.Subcommands.Count == 0
            ? new[] { new[] { c.Name } }
            : c.Subcommands.Select(s => new[] { c.Name, s.Name })).ToList();

        foreach (var verb in verbs)
        {
            var run = CliRun.Invoke([.. verb, "--help"]);
            Assert.That(run.Out, Does.Not.Match(@"\[default: -?\d+\.\d{7,}"), string.Join(' ', verb));
        }
    }

    [Test]
    public void Version_is_not_the_test_hosts_version()
    {
        // System.CommandLine's default reads the entry assembly (the test host here).
        var host = Assembly.GetEntryAssembly()?.GetName().Version?.ToString() ?? "none";
        var run = CliRun.Invoke(["--version"]);

        Assert.That(run.Out.Trim(), Is.Not.EqualTo(host));
    }

    // The hint names the help of the verb the mistake was made in, or the root's without one.
    [TestCase("frob", "frob", "multimodal --help")]
    [TestCase("models --no-such-option", "--no-such-option", "multimodal models --help")]
    [TestCase("--device gpu models", "gpu", "multimodal models --help")]
    [TestCase("train speech --manifest m --out o --lr x", "--lr", "multimodal train speech --help")]
    public void Bad_arguments_are_a_usage_error_naming_the_bad_token(string line, string token, string help)
    {
        var run = CliRun.Invoke(line.Split(' '));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Error, Does.Contain("error: ").And.Contain(token));
        Assert.That(run.Error, Does.Contain($"Run '{help}'"));
        Assert.That(run.Out, Is.Empty, "errors go to stderr only");
    }

    [Test]
    public void No_verb_is_a_usage_error_followed_by_the_help_on_stderr()
    {
        var run = CliRun.Invoke([]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Error, Does.StartWith("error: "));
        Assert.That(ErrorLines(run), Has.Count.EqualTo(1));
        Assert.That(run.Error, Does.Contain("Usage:").And.Contain("models").And.Contain("--device"));
        Assert.That(run.Out, Is.Empty, "errors go to stderr only");
    }

    [TestCase("bogus", "error: Unrecognized command or argument 'bogus'.")]
    [TestCase("models --jobs 2", "error: Unrecognized option '--jobs' for 'models'.")]
    [TestCase("-q bogus extra", "error: Unrecognized command or argument 'bogus'.")]
    public void One_mistake_is_one_error_line_about_the_first_bad_token(string line, string expected)
    {
        var run = CliRun.Invoke(line.Split(' '));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(ErrorLines(run), Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void Help_shows_an_optional_verb_argument_as_optional()
    {
        var run = CliRun.Invoke(["--help"]);

        Assert.That(run.Out, Does.Match(@"(?m)^\s+models \[name\]\s"));
        Assert.That(run.Out, Does.Not.Contain("<name>"));
    }

    private static List<string> ErrorLines(CliRun run) =>
        run.Error.Split('\n').Select(l => l.TrimEnd('\r'))
            .Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();

    [Test]
    public void Error_lines_are_single_lines()
    {
        var run = CliRun.Invoke(["--device", "gpu", "models"]);
        var errors = run.Error.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();

        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0], Does.Contain("cpu").And.Contain("cuda").And.Contain("auto"));
        Assert.That(errors[0], Does.Not.Contain("\t"));
    }

    [Test]
    public void Device_cuda_fails_with_a_clear_message()
    {
        if (Rnn.Cuda.CudaBackend.IsAvailable)
        {
            Assert.Ignore("a CUDA device is present here, so --device cuda does not fail");
        }

        var run = CliRun.Invoke(["models", "--device", "cuda"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error.Trim(), Is.EqualTo(
            "error: --device cuda: no CUDA device found; run with --device cpu (or auto)"));
    }

    [TestCase("cpu")]
    [TestCase("auto")]
    public void Device_cpu_and_auto_run_on_the_cpu(string device)
    {
        var run = CliRun.Invoke(["--device", device, "models"]);

        // auto picks CUDA where a CUDA device exists; this machine may or may not have one.
        var expected = device == "auto" && Rnn.Cuda.CudaBackend.IsAvailable ? DeviceChoice.Cuda : DeviceChoice.Cpu;
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(DeviceResolver.Resolve(DeviceResolver.Parse(device)), Is.EqualTo(expected));
    }

    [Test]
    public void Each_device_creates_its_backend_or_says_why_not()
    {
        Assert.That(DeviceResolver.CreateBackend(DeviceChoice.Cpu), Is.InstanceOf<Rnn.Core.CpuBackend>());
        if (Rnn.Cuda.CudaBackend.IsAvailable)
        {
            using var gpu = (Rnn.Cuda.CudaBackend)DeviceResolver.CreateBackend(DeviceChoice.Cuda);
            Assert.That(gpu.Name, Does.StartWith("cuda ("));
        }
        else
        {
            var error = Assert.Throws<CliException>(() => DeviceResolver.CreateBackend(DeviceChoice.Cuda));
            Assert.That(error!.Message, Does.Contain("no CUDA device found"));
            Assert.That(DeviceResolver.CreateBackend(DeviceChoice.Auto), Is.InstanceOf<Rnn.Core.CpuBackend>());
        }
    }

    [Test]
    public void Help_works_whatever_the_device()
    {
        var run = CliRun.Invoke(["--device", "cuda", "--help"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(run.Error, Is.Empty);
    }

    [Test]
    public void Global_options_are_accepted_before_and_after_the_verb()
    {
        Assert.That(CliRun.Invoke(["-q", "models"]).ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(CliRun.Invoke(["models", "--quiet"]).ExitCode, Is.EqualTo(ExitCodes.Success));
    }

    [Test]
    public void Error_line_has_the_file_then_the_reason()
    {
        Assert.That(ErrorLine.Format("a.wav", "bad\nheader\t x"), Is.EqualTo("error: a.wav: bad header x"));
        Assert.That(ErrorLine.Format(null, "no input"), Is.EqualTo("error: no input"));
    }
}
