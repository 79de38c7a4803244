using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace Multimodal.Cli.Hosting;

/// <summary>
/// The <c>multimodal</c> command: builds the parser from <see cref="CommandModules.All"/>, reports
/// command-line mistakes as "error: ..." lines (exit 2), refuses devices this build lacks, and
/// turns a <see cref="CliException"/> from a verb into one error line (exit 1), plus the object a
/// <c>--json</c> verb promised (<see cref="CliContext.PromiseJson"/>) on stdout.
/// </summary>
public static class CliApp
{
    /// <summary>Environment variable that adds stack traces to unexpected errors.</summary>
    public const string DebugVariable = "MULTIMODAL_DEBUG";

    /// <summary>
    /// How long a verb has to stop after Ctrl-C, SIGTERM or SIGHUP before the process is ended: a
    /// file in progress is finished or abandoned, the progress bar closed and the summary printed.
    /// </summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    /// <summary>Builds the root command with every verb and the global options.</summary>
    /// <param name="context">Shared state handed to every module.</param>
    /// <param name="modules">The verbs; <see cref="CommandModules.All"/> when null.</param>
    public static RootCommand BuildRoot(CliContext context, IReadOnlyList<ICommandModule>? modules = null)
    {
        var root = new RootCommand(
            "Multimodal: speech transcription, image captioning and video models on Rnn.Core, "
            + "a recurrent-network library for .NET.");
        root.Options.Add(context.Options.Quiet);
        root.Options.Add(context.Options.Device);

        foreach (var option in root.Options.OfType<VersionOption>())
        {
            // Recursive, as the README promises for global options: "transcribe --version" works.
            option.Action = new VersionAction();
            option.Recursive = true;
        }

        foreach (var option in root.Options.OfType<HelpOption>())
        {
            if (option.Action is HelpAction help)
            {
                option.Action = new OptionalArgumentsHelpAction(help, context.Environment);
            }
        }

        foreach (var module in modules ?? CommandModules.All)
        {
            root.Subcommands.Add(module.Build(context));
        }

        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the chosen verb; returns the exit code.</summary>
    /// <param name="args">The command line without the program name.</param>
    /// <param name="environment">Streams and process facts; tests pass captured writers.</param>
    /// <param name="cancellationToken">Cancels a running verb (Ctrl+C is wired by the library).</param>
    /// <param name="modules">The verbs; <see cref="CommandModules.All"/> when null (tests pass their own).</param>
    public static async Task<int> RunAsync(
        string[] args, CliEnvironment environment, CancellationToken cancellationToken = default,
        IReadOnlyList<ICommandModule>? modules = null)
    {
        var context = new CliContext(environment, new GlobalOptions());
        var root = BuildRoot(context, modules);
        // After "--" every word is a path, even one that looks like an option (the parser's tokens
        // do not say which side of "--" they came from).
        int literal = Array.IndexOf(args, "--");
        OptionBuilders.LiteralArguments.Value = literal >= 0 ? args[(literal + 1)..].ToHashSet(StringComparer.Ordinal)
            : null;
        var parse = root.Parse(args);

        // --help and --version answer even when the rest of the line is incomplete ("transcribe
        // --help" lacks its PATHS).
        if (parse.Errors.Count > 0 && parse.Action is not (OptionalArgumentsHelpAction or VersionAction))
        {
            return await ReportUsageError(root, parse, args, environment, cancellationToken).ConfigureAwait(false);
        }

        var invocation = new InvocationConfiguration
        {
            Output = environment.Out,
            Error = environment.Error,
            EnableDefaultExceptionHandler = false,
            // Signals are Program's: they cancel the token passed in, and the process ends
            // StopGrace after the first if the verb has not stopped by then.
            ProcessTerminationTimeout = null,
        };

        try
        {
            // Help and --version must work whatever --device says; only real verbs need a device.
            if (parse.Action is not null && parse.Action == parse.CommandResult.Command.Action)
            {
                context.Device(parse);
            }

            int code = await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
            if (code == ExitCodes.Interrupted && !environment.IsErrorRedirected)
            {
                // Should a verb not stop in time, the bar may still have the cursor hidden.
                environment.Error.Write("\u001b[?25h");
            }

            return code;
        }
        catch (CliException ex)
        {
            return Fail(context, ex.Subject, ex.Reason);
        }
        catch (OutputClosedException ex)
        {
            // Results can no longer be delivered: the run stops, and says so where it still can.
            ErrorLine.Write(environment.Error, "stdout", ex.Reason);
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException ex) when (ex.CancellationToken.IsCancellationRequested
            || cancellationToken.IsCancellationRequested)
        {
            // A verb without a batch summary (training, eval) stopped by Ctrl-C.
            environment.Error.WriteLine("interrupted");
            return ExitCodes.Interrupted;
        }
        catch (IOException ex) when (ErrorLine.OutOfSpace(ex) is { } full)
        {
            return Fail(context, null, full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // File-system and format errors carry the path in their message; that is the fix.
            return Fail(context, null, ex.Message);
        }
        catch (Exception ex)
        {
            // A bug, not a user mistake: still one line, with the stack trace on request.
            var debug = environment.GetVariable(DebugVariable) == "1";
            int code = Fail(context, null, $"unexpected {ex.GetType().Name}: {ex.Message}"
                + (debug ? "" : $" (set {DebugVariable}=1 for the stack trace)"));
            if (debug)
            {
                environment.Error.WriteLine(ex.ToString());
            }

            return code;
        }
    }

    // The error line, and for a verb run with --json the object it promised, so that a script reading
    // stdout finds the error there too. Not after Ctrl-C ("nothing was written") nor a closed stdout.
    private static int Fail(CliContext context, string? subject, string reason)
    {
        ErrorLine.Write(context.Environment.Error, subject, reason);
        try
        {
            context.WriteJsonError(subject, reason);
        }
        catch (OutputClosedException ex)
        {
            ErrorLine.Write(context.Environment.Error, "stdout", ex.Reason);
        }

        return ExitCodes.Failure;
    }

    // One mistake, one error line; with no verb at all, the help itself is the most useful answer.
    private static async Task<int> ReportUsageError(
        RootCommand root, ParseResult parse, string[] args, CliEnvironment environment, CancellationToken token)
    {
        ErrorLine.Write(environment.Error, null, UsageErrors.MostSpecific(parse, args).Message);
        if (UsageErrors.OnlyMissingVerb(parse, args))
        {
            // Help for the command that lacks its verb: its path from the root, then --help.
            var help = CommandPath(root, parse).Append("--help").ToList();

            var invocation = new InvocationConfiguration { Output = environment.Error, Error = environment.Error };
            environment.Error.WriteLine();
            await root.Parse(help).InvokeAsync(invocation, token).ConfigureAwait(false);
        }
        else
        {
            // The help of the verb the mistake was made in ("multimodal train speech --help").
            var path = CommandPath(root, parse);
            environment.Error.WriteLine(path.Count == 0
                ? "Run 'multimodal --help' to see the verbs and their options."
                : $"Run 'multimodal {string.Join(' ', path)} --help' to see its options.");
        }

        return ExitCodes.Usage;
    }

    // The names of the commands from the root down to the one parsed, e.g. ["train", "speech"].
    private static List<string> CommandPath(RootCommand root, ParseResult parse)
    {
        var path = new List<string>();
        for (var command = parse.CommandResult; command.Command != root; command = (CommandResult)command.Parent!)
        {
            path.Insert(0, command.Command.Name);
        }

        return path;
    }
}
