using Multimodal.Cli.Hosting;

namespace Multimodal.Cli.Tests.Support;

/// <summary>The outcome of one in-process run of the CLI.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    /// <summary>
    /// Runs the CLI in-process with captured, redirected streams and only the given environment
    /// variables, so the host's MULTIMODAL_MODELS or TERM cannot leak into a test. A cancelled
    /// <paramref name="cancellation"/> stands for Ctrl-C; <paramref name="error"/> replaces the
    /// captured stderr (e.g. a <see cref="CtrlCWriter"/> that presses it at a chosen line).
    /// <paramref name="terminal"/> makes both streams look like a terminal (not redirected).
    /// </summary>
    public static CliRun Invoke(
        string[] args, IReadOnlyDictionary<string, string>? variables = null, string? baseDirectory = null,
        TimeProvider? clock = null, IReadOnlyList<ICommandModule>? modules = null,
        CancellationToken cancellation = default, StringWriter? error = null, bool terminal = false)
    {
        var output = new StringWriter();
        error ??= new StringWriter();
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            GetVariable = name => variables is not null && variables.TryGetValue(name, out var v) ? v : null,
            BaseDirectory = baseDirectory ?? TempFolder.EmptyBase,
            Clock = clock ?? TimeProvider.System,
            IsOutputRedirected = !terminal,
            IsErrorRedirected = !terminal,
        };
        var code = CliApp.RunAsync(args, environment, cancellation, modules).GetAwaiter().GetResult();
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
