using System.CommandLine;
using System.Text.Json.Nodes;
using Multimodal.Cli.Output;
using Multimodal.Cli.Progress;
using Spectre.Console;

namespace Multimodal.Cli.Hosting;

/// <summary>What every verb shares: the environment, the global options and helpers built on them.</summary>
public sealed class CliContext
{
    private JsonObject? _promisedJson;

    public CliContext(CliEnvironment environment, GlobalOptions options)
    {
        Environment = environment;
        Options = options;
    }

    /// <summary>Streams, terminal flags, environment variables and clock.</summary>
    public CliEnvironment Environment { get; }

    /// <summary>The options every verb accepts.</summary>
    public GlobalOptions Options { get; }

    /// <summary>Standard output as a Spectre console, for tables; plain text when redirected.</summary>
    public IAnsiConsole Stdout => Consoles.Create(Environment.Out, interactive: !Environment.IsOutputRedirected);

    /// <summary>True when <c>--quiet</c> was given.</summary>
    public bool IsQuiet(ParseResult parse) => parse.GetValue(Options.Quiet);

    /// <summary>The device that will really run, after <c>--device</c>; fails for cuda.</summary>
    public DeviceChoice Device(ParseResult parse) =>
        DeviceResolver.Resolve(DeviceResolver.Parse(parse.GetValue(Options.Device) ?? "auto"));

    /// <summary>A progress reporter fitting the terminal and <c>--quiet</c>; dispose it when done.</summary>
    /// <param name="parse">The command line (for <c>--quiet</c>).</param>
    /// <param name="linesOnStdout">
    /// True when the verb prints result lines on stdout while it works (transcribe or caption
    /// without --out). When stdout is the same terminal, those lines share the screen with the
    /// live bar, which redraws itself by moving the cursor up over them; the progress is then
    /// plain lines instead. Redirected to a file or a pipe, they do not, and the bar stays.
    /// </param>
    public IProgressReporter Progress(ParseResult parse, bool linesOnStdout = false)
    {
        var mode = ProgressReporters.ChooseMode(Environment, IsQuiet(parse));
        bool shared = linesOnStdout && !Environment.IsOutputRedirected;
        return ProgressReporters.Create(shared && mode == ProgressMode.Live ? ProgressMode.Plain : mode, Environment);
    }

    /// <summary>Writes "error: subject: reason" to stderr.</summary>
    public void Error(string? subject, string reason) => ErrorLine.Write(Environment.Error, subject, reason);

    /// <summary>
    /// Called by a verb run with <c>--json</c>, which promises scripts one object on stdout whatever
    /// happens: <paramref name="nullFigures"/> is the object it prints on success with its figures
    /// null. Should the verb stop on an error instead, <see cref="WriteJsonError"/> prints it with
    /// an "error" field. A later call replaces it, so a verb can fill in what it has counted (items
    /// that failed) before it stops.
    /// </summary>
    /// <example>
    /// <code>
    /// if (json) context.PromiseJson(new JsonObject { ["wer"] = null, ["utterances"] = 0 });
    /// </code>
    /// </example>
    public void PromiseJson(JsonObject nullFigures) => _promisedJson = nullFigures;

    /// <summary>
    /// Prints the object of <see cref="PromiseJson"/>, if one was promised and not yet printed, with
    /// "error": the error line's text without its "error: " (<see cref="ErrorLine.Text"/>). CliApp
    /// calls it for every error that ends a verb; a verb that writes its own error lines and returns
    /// a failure calls it itself.
    /// </summary>
    /// <exception cref="OutputClosedException">Stdout can no longer be written.</exception>
    public void WriteJsonError(string? subject, string reason)
    {
        if (_promisedJson is not { } json)
        {
            return;
        }

        // One object a run, whichever of the verb and CliApp reports the error first.
        _promisedJson = null;
        json["error"] = ErrorLine.Text(subject, reason);
        Environment.Out.WriteLine(json.ToJsonString());
    }
}
