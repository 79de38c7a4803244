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
        // A real kind: the process lists only the kinds its verbs run, and a test cannot add its own.
        using var temp = new TempFolder();
        string real = Path.Combine(SpeechFiles.RepositoryRoot, "models", "video-predict-mnist");
        string copy = temp.Sub("frames-demo");
        foreach (var file in Directory.GetFiles(real))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        var (code, output, error) = Run("models", temp.Path);

        Assert.That(code, Is.EqualTo(ExitCodes.Success), error);
        Assert.That(output, Does.Contain("frames-demo").And.Contain("video next-frame").And.Contain("74.5k"));
        Assert.That(output, Does.Not.Contain("\u001b"), "a pipe gets no ANSI escapes");
    }

    // The shell's redirections of the real process. A closed stderr (where only progress and error
    // lines go) made every verb abort with SIGABRT in the handler that reported the failed write, and
    // no result came out; a stdout pipe whose reader had left was ignored, so the run went through every
    // file and exited 0 with the results lost; a full stdout named the input file as the culprit.
    [TestCase("2>&-", 0, "four one seven", "")]
    [TestCase("| true", 1, "", "error: stdout: the reader of the pipe has closed it; results after this are lost")]
    [TestCase(">/dev/full", 1, "", "error: stdout: no space left on the device")]
    public void Closed_or_full_streams_as_a_shell_makes_them(string redirection, int code, string output, string error)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/bin/bash"))
        {
            Assert.Ignore("needs bash and Linux devices");
        }

        using var temp = new TempFolder();
        string clip = Path.Combine(SpeechFiles.RepositoryRoot, "examples", "speech", "four-one-seven.wav");
        for (int i = 0; i < 20; i++)
        {
            File.Copy(clip, Path.Combine(temp.Path, $"clip{i:00}.wav"));
        }

        string dll = Path.Combine(AppContext.BaseDirectory, "multimodal.dll");
        string errors = Path.Combine(temp.Path, "errors.txt");
        var start = new ProcessStartInfo("/bin/bash")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"dotnet '{dll}' transcribe -q '{temp.Path}' 2>'{errors}' {redirection}; " +
            "echo \"exit ${PIPESTATUS[0]}\"");
        if (redirection.StartsWith("2>", StringComparison.Ordinal))
        {
            start.ArgumentList[1] = $"dotnet '{dll}' transcribe -q '{temp.Path}' {redirection}; echo \"exit $?\"";
        }

        start.Environment["MULTIMODAL_MODELS"] = "";
        using var process = Process.Start(start)!;
        string shown = process.StandardOutput.ReadToEnd();
        Assert.That(process.WaitForExit(60_000), Is.True);

        Assert.That(shown, Does.EndWith($"exit {code}\n"), shown);
        Assert.That(shown, Does.Contain(output));
        string said = File.Exists(errors) ? File.ReadAllText(errors).Trim() : "";
        Assert.That(said, error.Length == 0 ? Is.Empty : Does.EndWith(error));
    }

    // A closed terminal sends SIGHUP, which killed the run outright (exit 129, no summary, lock files
    // left); it stops a verb between files like Ctrl-C now. Two signals at once (timeout(1) signals
    // the process and its group) once crashed the command-line library's handler with an
    // unhandled InvalidOperationException; every signal now only cancels the run, once.
    [TestCase("-HUP")]
    [TestCase("-INT")]
    [TestCase("-TERM")]
    [TestCase("-TERM $p; kill -INT")]
    public void A_signal_stops_a_batch_between_files_with_the_interrupted_summary(string signals)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/bin/bash"))
        {
            Assert.Ignore("needs bash and Linux signals");
        }

        using var temp = new TempFolder();
        string clips = temp.Sub("clips"), outDir = Path.Combine(temp.Path, "out");
        string clip = Path.Combine(SpeechFiles.RepositoryRoot, "examples", "speech", "four-one-seven.wav");
        for (int i = 0; i < 400; i++)
        {
            File.Copy(clip, Path.Combine(clips, $"clip{i:000}.wav"));
        }

        string dll = Path.Combine(AppContext.BaseDirectory, "multimodal.dll");
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        // The signal goes once the first result is written, so the handlers are in place. With job
        // control (set -m) the background job keeps SIGINT, which bash otherwise makes it ignore.
        start.ArgumentList.Add(
            "set -m; " +
            $"dotnet '{dll}' transcribe -q '{clips}' --out '{outDir}' 2>'{temp.Path}/err' & p=$!; " +
            $"while [ -z \"$(ls '{outDir}' 2>/dev/null)\" ]; do sleep 0.05; done; " +
            $"kill {signals} $p; wait $p; echo \"exit $?\"");
        start.Environment["MULTIMODAL_MODELS"] = "";
        using var process = Process.Start(start)!;
        string shown = process.StandardOutput.ReadToEnd();
        Assert.That(process.WaitForExit(120_000), Is.True);

        Assert.That(shown.Trim(), Is.EqualTo($"exit {ExitCodes.Interrupted}"));
        string said = File.ReadAllText(Path.Combine(temp.Path, "err"));
        Assert.That(said, Does.Match(@"interrupted: \d+ of 400 files done"));
        Assert.That(said, Does.Not.Contain("Unhandled exception"));
    }
}
