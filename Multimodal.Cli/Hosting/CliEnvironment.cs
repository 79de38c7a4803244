namespace Multimodal.Cli.Hosting;

/// <summary>
/// Everything the CLI reads from the process around it: the two output streams, whether they are
/// terminals, environment variables and where the executable lives. Tests build one by hand so
/// the whole command runs in-process with captured output.
/// </summary>
public sealed class CliEnvironment
{
    /// <summary>Standard output: results, tables, help.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error: progress lines and "error: ..." lines.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>True when stdout goes to a file or pipe rather than a terminal.</summary>
    public bool IsOutputRedirected { get; init; } = true;

    /// <summary>True when stderr goes to a file or pipe rather than a terminal.</summary>
    public bool IsErrorRedirected { get; init; } = true;

    /// <summary>Folder of the running executable; the repository root is searched upward from it.</summary>
    public string BaseDirectory { get; init; } = AppContext.BaseDirectory;

    /// <summary>Environment variable lookup (null when unset).</summary>
    public Func<string, string?> GetVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Clock used by progress reporting, replaceable in tests.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// True when stderr, where progress goes, is a terminal that understands cursor movement, so
    /// a live progress bar can redraw itself there; anything else (pipes, files, CI logs,
    /// TERM=dumb) gets plain periodic lines instead. Where stdout goes does not matter here:
    /// `transcribe DIR &gt; out.txt` in a terminal shows the live bar (see
    /// <see cref="CliContext.Progress"/> for results printed on a terminal stdout meanwhile).
    /// </summary>
    public bool IsInteractive =>
        !IsErrorRedirected && !string.Equals(GetVariable("TERM"), "dumb", StringComparison.Ordinal);

    /// <summary>The environment of the current process.</summary>
    public static CliEnvironment FromProcess() => new()
    {
        Out = ProcessStreams.Output(),
        Error = ProcessStreams.Error(),
        IsOutputRedirected = Console.IsOutputRedirected,
        IsErrorRedirected = Console.IsErrorRedirected,
    };
}
