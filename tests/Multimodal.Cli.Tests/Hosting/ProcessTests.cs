using System.Diagnostics;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Hosting;

/// <summary>
/// The real executable as a child process: exit codes, stream separation and redirected output
/// as a shell or CI sees them. Kept to a few runs since each one starts a runtime.
/// </summary>
[TestFixture]
public sealed class ProcessTests
{
    private static (int Code, string Out, string Error) Run(string args, string? modelsFolder = null)
    {
        // The CLI's assembly is copied beside the tests along with its runtimeconfig.
        var dll = Path.Combine(AppContext.BaseDirectory, "multimodal.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["MULTIMODAL_MODELS"] = modelsFolder ?? "";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(20_000))
        {
            process.Kill();
            Assert.Fail($"multimodal {args} did not exit within 20 s");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    [Test]
    public void Version_as_a_process()
    {
        var (code, output, error) = Run("--version");

        Assert.That(code, Is.EqualTo(ExitCodes.Success), error);
        Assert.That(output.Trim(), Does.Match(@"^\d+\.\d+\.\d+"));
    }

    [Test]
    public void Bad_argument_as_a_process_exits_2_with_stderr_only()
    {
        var (code, output, error) = Run("transcode");

        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Contain("error: ").And.Contain("transcode"));
    }

    [Test]
    public void Models_as_a_process_reads_the_environment_variable()
    {
        using var temp = new TempFolder();
        FakeModels.Write(temp.Path, "gru-demo", "sequence", new Dictionary<string, int[]> { ["w"] = [4, 4] });

        var (code, output, error) = Run("models", temp.Path);

        Assert.That(code, Is.EqualTo(ExitCodes.Success), error);
        Assert.That(output, Does.Contain("gru-demo").And.Contain("sequence").And.Contain("16"));
        Assert.That(output, Does.Not.Contain("\u001b"), "a pipe gets no ANSI escapes");
    }
}
