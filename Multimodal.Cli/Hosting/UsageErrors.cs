using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Multimodal.Cli.Hosting;

/// <summary>
/// Picks the one parse error worth showing. System.CommandLine reports one mistake several ways
/// ("Required command was not provided." beside "Unrecognized command 'bogus'", or a bad option and
/// then its value as a stray argument); the user needs the one about the first bad token.
/// </summary>
internal static partial class UsageErrors
{
    /// <summary>The most specific error of <paramref name="parse"/>, which must have at least one.</summary>
    /// <param name="parse">A parse result with errors.</param>
    /// <param name="args">The command line it came from, to rank errors by the position of their token.</param>
    public static ParseError MostSpecific(ParseResult parse, IReadOnlyList<string> args)
    {
        var specific = parse.Errors.Where(e => !IsMissingVerb(e, args)).ToList();
        if (specific.Count == 0)
        {
            return parse.Errors[0];
        }

        // Errors that quote a token of the command line come first, earliest token first; stable otherwise.
        return specific
            .Select((error, order) => (error, order, position: TokenPosition(error.Message, args)))
            .OrderBy(e => e.position)
            .ThenBy(e => e.order)
            .First().error;
    }

    /// <summary>True when the only problem is that no verb was given (nothing more specific to say).</summary>
    /// <param name="parse">A parse result with errors.</param>
    /// <param name="args">The command line it came from.</param>
    public static bool OnlyMissingVerb(ParseResult parse, IReadOnlyList<string> args) =>
        parse.Errors.All(e => IsMissingVerb(e, args));

    // An error on a command with verbs but no action of its own that quotes no token: "no verb given"
    // (a stray token such as 'bogus' is reported on the same command, quoted).
    private static bool IsMissingVerb(ParseError error, IReadOnlyList<string> args) =>
        error.SymbolResult is CommandResult { Command: { Action: null } command } && command.Subcommands.Count > 0
        && TokenPosition(error.Message, args) == int.MaxValue;

    private static int TokenPosition(string message, IReadOnlyList<string> args)
    {
        int best = int.MaxValue;
        foreach (Match quoted in QuotedToken().Matches(message))
        {
            for (int i = 0; i < args.Count; i++)
            {
                if (args[i] == quoted.Groups["token"].Value)
                {
                    best = Math.Min(best, i);
                    break;
                }
            }
        }

        return best;
    }

    [GeneratedRegex("'(?<token>[^']+)'")]
    private static partial Regex QuotedToken();
}
