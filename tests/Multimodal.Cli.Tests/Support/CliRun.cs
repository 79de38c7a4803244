using Multimodal.Cli.Hosting;

namespace Multimodal.Cli.Tests.Support;

/// <summary>The outcome of one in-process run of the CLI.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    /// <summary>
    /// Runs the CLI in-process with captured, redirected streams and only the given environment
    /// variables, so the host's MULTIMODAL_MODELS or TERM cannot leak into a test.
    /// </summary>
    public static CliRun Invoke(
        string[] args, IReadOnlyDictionary<string, string>? variables = null, string? baseDirectory = null,
        TimeProvider? clock = null, IReadOnlyList<ICommandModule>? modules = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            GetVariable = name => variables is not null && variables.TryGetValue(name, out var v) ? v : null,
            BaseDirectory = baseDirectory ?? TempFolder.EmptyBase,
            Clock = clock ?? TimeProvider.System,
        };
        var code = CliApp.RunAsync(args, environment, modules: modules).GetAwaiter().GetResult();
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
