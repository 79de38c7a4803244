using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Multimodal.Cli.Hosting;

/// <summary>
/// The library's help, with one correction: its "Commands:" list writes every argument of a verb
/// as <c>&lt;name&gt;</c>, so an optional one reads as required; here it reads <c>[name]</c>.
/// </summary>
internal sealed class OptionalArgumentsHelpAction : SynchronousCommandLineAction
{
    private readonly HelpAction inner;
    private readonly CliEnvironment? environment;

    public OptionalArgumentsHelpAction(HelpAction inner, CliEnvironment? environment = null)
    {
        this.inner = inner;
        this.environment = environment;
    }

    public override int Invoke(ParseResult parseResult)
    {
        // $COLUMNS sets the width (at least 40); help going to a file or pipe is wrapped at 100 without
        // it, where the library wrapped nothing (lines of 300 characters for train speech).
        if (int.TryParse(environment?.GetVariable("COLUMNS"), out int columns) && columns >= 40)
        {
            inner.MaxWidth = columns;
        }
        else if (environment is { IsOutputRedirected: true })
        {
            inner.MaxWidth = 100;
        }

        var configuration = parseResult.InvocationConfiguration;
        var output = configuration.Output;
        var buffer = new StringWriter();
        configuration.Output = buffer;
        int code;
        try
        {
            code = inner.Invoke(parseResult);
        }
        finally
        {
            configuration.Output = output;
        }

        output.Write(Correct(buffer.ToString(), parseResult.CommandResult.Command));
        return code;
    }

    private static string Correct(string help, Command helped)
    {
        var lines = help.Split('\n');
        foreach (var verb in helped.Subcommands)
        {
            var prefix = "  " + verb.Name + " ";
            for (int i = 0; i < lines.Length; i++)
            {
                if (!lines[i].StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (var argument in verb.Arguments.Where(a => a.Arity.MinimumNumberOfValues == 0))
                {
                    var label = argument.HelpName ?? argument.Name;
                    lines[i] = lines[i].Replace($"<{label}>", $"[{label}]", StringComparison.Ordinal);
                }
            }
        }

        return string.Join('\n', lines);
    }
}
