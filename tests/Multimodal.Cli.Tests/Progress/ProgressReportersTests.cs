using Multimodal.Cli.Hosting;
using Multimodal.Cli.Output;
using Multimodal.Cli.Progress;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Progress;

[TestFixture]
public sealed class ProgressReportersTests
{
    private static CliEnvironment Environment(bool outRedirected, bool errRedirected, string? term = null) => new()
    {
        Out = TextWriter.Null,
        Error = new StringWriter(),
        IsOutputRedirected = outRedirected,
        IsErrorRedirected = errRedirected,
        GetVariable = name => name == "TERM" ? term : null,
    };

    [TestCase(false, false, null, false, ProgressMode.Live)]
    [TestCase(true, false, null, false, ProgressMode.Live)]   // stdout to a file, stderr on the terminal
    [TestCase(false, true, null, false, ProgressMode.Plain)]
    [TestCase(true, true, null, false, ProgressMode.Plain)]
    [TestCase(false, false, "dumb", false, ProgressMode.Plain)]
    [TestCase(false, false, null, true, ProgressMode.Quiet)]
    [TestCase(true, true, null, true, ProgressMode.Quiet)]
    public void Mode_follows_the_terminal_and_quiet(
        bool outRedirected, bool errRedirected, string? term, bool quiet, ProgressMode expected) =>
        Assert.That(ProgressReporters.ChooseMode(Environment(outRedirected, errRedirected, term), quiet),
            Is.EqualTo(expected));

    [Test]
    public void Quiet_reporter_writes_nothing()
    {
        var environment = Environment(true, true);
        using var reporter = ProgressReporters.Create(ProgressMode.Quiet, environment);

        using (var task = reporter.Start("work", 10))
        {
            task.Message("hello");
            task.Advance(10);
        }

        Assert.That(environment.Error.ToString(), Is.Empty);
    }

    [Test]
    public void Redirected_reporter_writes_plain_lines_to_stderr()
    {
        var environment = Environment(true, true);
        using var reporter = ProgressReporters.Create(ProgressMode.Plain, environment);

        reporter.Start("work", 4).Finish();

        Assert.That(reporter, Is.InstanceOf<PlainProgressReporter>());
        Assert.That(environment.Error.ToString(), Does.Contain("work: started").And.Contain("work: done"));
    }

    [Test]
    public void Context_honours_quiet_from_the_command_line()
    {
        var environment = Environment(true, true);
        var context = new CliContext(environment, new GlobalOptions());
        var root = Multimodal.Cli.Hosting.CliApp.BuildRoot(context);

        using (var reporter = context.Progress(root.Parse(["models", "--quiet"])))
        {
            reporter.Start("work", 1).Finish();
        }

        using (var reporter = context.Progress(root.Parse(["models"])))
        {
            reporter.Start("loud", 1).Finish();
        }

        Assert.That(environment.Error.ToString(), Does.Not.Contain("work").And.Contain("loud: done"));
    }

    [TestCase(false, typeof(PlainProgressReporter))]   // result lines on the same terminal: plain lines
    [TestCase(true, typeof(SpectreProgressReporter))]   // results to a file: the live bar stays
    public void Result_lines_on_stdout_give_plain_progress_only_when_stdout_is_the_terminal(
        bool outRedirected, Type expected)
    {
        var environment = Environment(outRedirected, errRedirected: false);
        var context = new CliContext(environment, new GlobalOptions());
        var root = Multimodal.Cli.Hosting.CliApp.BuildRoot(context);

        using var reporter = context.Progress(root.Parse(["models"]), linesOnStdout: true);

        Assert.That(reporter, Is.InstanceOf(expected));
    }

    [Test]
    public void Live_reporter_draws_and_stops_cleanly()
    {
        var output = new StringWriter();
        var console = Consoles.Create(output, interactive: true);

        using (var reporter = new SpectreProgressReporter(console))
        {
            var first = reporter.Start("decode", 3);
            var second = reporter.Start("count", 0);
            first.Advance(3);
            first.Message("clip.wav");
            first.Finish();
            second.Advance();
            second.Dispose();
        }

        // Dispose returned, so the render loop ended; the final frame names both tasks.
        Assert.That(output.ToString(), Does.Contain("decode").And.Contain("count"));
    }

    [Test]
    public void Live_bar_stopped_by_ctrl_c_stays_where_it_was_and_says_interrupted()
    {
        var output = new StringWriter();
        var console = Consoles.Create(output, interactive: true);

        using (var reporter = new SpectreProgressReporter(console))
        {
            var task = reporter.Start("transcribe", 5);
            task.Advance(2);
            task.Message("b.wav");
            task.Interrupt();
            task.Message("c.wav");   // a worker that reports late
            task.Dispose();
        }

        // The last frame: the name with "interrupted" and the bar at 2 of 5, not full.
        string text = output.ToString();
        string last = text[text.LastIndexOf("transcribe", StringComparison.Ordinal)..];
        Assert.That(last, Does.StartWith("transcribe: interrupted").And.Contain("40%").And.Not.Contain("100%"));
        Assert.That(last, Does.Not.Contain("c.wav"));
    }
}
