using Multimodal.Cli.Hosting;
using Multimodal.Cli.Output;
using Spectre.Console;

namespace Multimodal.Cli.Progress;

/// <summary>How progress is shown.</summary>
public enum ProgressMode
{
    /// <summary>Nothing at all (<c>--quiet</c>).</summary>
    Quiet,

    /// <summary>Plain periodic lines, for pipes, files and CI logs.</summary>
    Plain,

    /// <summary>A live Spectre progress bar on an interactive terminal.</summary>
    Live,
}

/// <summary>Picks and builds the progress reporter that fits the terminal and the flags.</summary>
public static class ProgressReporters
{
    /// <summary>The mode for <paramref name="environment"/>; <paramref name="quiet"/> wins over all.</summary>
    public static ProgressMode ChooseMode(CliEnvironment environment, bool quiet) =>
        quiet ? ProgressMode.Quiet
        : environment.IsInteractive ? ProgressMode.Live
        : ProgressMode.Plain;

    /// <summary>Builds the reporter for <paramref name="mode"/>, writing to stderr.</summary>
    public static IProgressReporter Create(ProgressMode mode, CliEnvironment environment) => mode switch
    {
        ProgressMode.Quiet => NullProgressReporter.Instance,
        ProgressMode.Live => new SpectreProgressReporter(Consoles.Create(environment.Error, interactive: true)),
        _ => new PlainProgressReporter(environment.Error, environment.Clock),
    };
}
