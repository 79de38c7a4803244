using System.CommandLine;
using System.Text.Json.Nodes;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Hosting;

/// <summary>How exceptions thrown by a verb reach the user, using a throwing verb made for the test.</summary>
[TestFixture]
public sealed class VerbErrorTests
{
    private sealed class ThrowingVerb(Exception error) : ICommandModule
    {
        public Command Build(CliContext context)
        {
            var command = new Command("boom", "Throws");
            command.SetAction(int (_) => throw error);
            return command;
        }
    }

    // As an eval verb run with --json does: promises its object with the figures null, then fails.
    private sealed class PromisingVerb(Exception error) : ICommandModule
    {
        public Command Build(CliContext context)
        {
            var command = new Command("boom", "Promises a JSON object, then throws");
            command.SetAction(int (_) =>
            {
                context.PromiseJson(new JsonObject { ["score"] = null, ["items"] = 0 });
                throw error;
            });
            return command;
        }
    }

    private static CliRun Run(Exception error, Dictionary<string, string>? variables = null) =>
        CliRun.Invoke(["boom"], variables, modules: [new ThrowingVerb(error)]);

    private static IEnumerable<Exception> VerbErrors()
    {
        yield return new CliException("a.tsv", "no\ttab");
        yield return new InvalidDataException("'x.gz': not valid gzip");
        yield return new InvalidOperationException("state");
    }

    // A script reading stdout found nothing there when a --json verb failed; whatever the kind of error,
    // it now finds the promised object with the error line's own text (tab collapsed and all).
    [TestCaseSource(nameof(VerbErrors))]
    public void An_error_after_a_json_promise_prints_the_object_with_the_error_line_text(Exception error)
    {
        var run = CliRun.Invoke(["boom"], modules: [new PromisingVerb(error)]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        var json = JsonNode.Parse(run.Out)!.AsObject();
        Assert.That(json.Select(p => p.Key), Is.EqualTo(new[] { "score", "items", "error" }));
        Assert.That(json["score"], Is.Null);
        Assert.That(run.Error.Trim(), Is.EqualTo("error: " + json["error"]!.GetValue<string>()));
    }

    // Ctrl-C promises "nothing was written": no object either.
    [Test]
    public void A_json_verb_stopped_by_ctrl_c_prints_no_object()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        var run = CliRun.Invoke(["boom"], modules: [new PromisingVerb(new OperationCanceledException(cts.Token))]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Interrupted));
        Assert.That(run.Out, Is.Empty);
    }

    [Test]
    public void Cli_exception_is_one_error_line_with_the_file()
    {
        var run = Run(new CliException("clip.wav", "0 channels"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error, Is.EqualTo("error: clip.wav: 0 channels" + Environment.NewLine));
    }

    [Test]
    public void File_errors_are_one_line_without_a_stack_trace()
    {
        var run = Run(new FileNotFoundException("Could not find file '/data/a.wav'."));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error.Trim(), Is.EqualTo("error: Could not find file '/data/a.wav'."));
    }

    [Test]
    public void Unexpected_errors_are_one_line_unless_debugging()
    {
        var quiet = Run(new InvalidOperationException("state"));
        var debug = Run(new InvalidOperationException("state"), new() { [CliApp.DebugVariable] = "1" });

        Assert.That(quiet.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(quiet.Error.Trim(), Is.EqualTo(
            "error: unexpected InvalidOperationException: state (set MULTIMODAL_DEBUG=1 for the stack trace)"));
        Assert.That(debug.Error, Does.Contain("System.InvalidOperationException: state"));
    }

    [Test]
    public void A_verb_stopped_by_ctrl_c_says_interrupted_and_exits_130()
    {
        // What a training loop throws when the Ctrl-C token it watches is cancelled.
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var run = Run(new OperationCanceledException(cts.Token));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Interrupted));
        Assert.That(run.Error, Is.EqualTo("interrupted" + Environment.NewLine));
    }

    [Test]
    public void Device_is_checked_before_the_verb_runs()
    {
        if (Rnn.Cuda.CudaBackend.IsAvailable)
        {
            Assert.Ignore("a CUDA device is present here, so --device cuda does not fail");
        }

        var run = CliRun.Invoke(["boom", "--device", "cuda"], modules: [new ThrowingVerb(new Exception("ran"))]);

        Assert.That(run.Error, Does.Contain("no CUDA device found").And.Not.Contain("ran"));
    }
}
