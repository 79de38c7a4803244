using System.CommandLine;
using System.Globalization;
using Multimodal.Cli.Output;

namespace Multimodal.Cli.Hosting;

/// <summary>
/// Option builders every verb uses (ranges are checked with the bad value in the error); import with
/// <c>using static Multimodal.Cli.Hosting.OptionBuilders;</c>.
/// </summary>
internal static class OptionBuilders
{
    /// <summary>A string option (null when absent).</summary>
    public static Option<string?> Text(string name, string description, string helpName, bool required = false) =>
        new(name) { Description = description, HelpName = helpName, Required = required };

    /// <summary>
    /// A file or folder option (null when absent). An empty value is refused as a usage error
    /// (see <see cref="RefuseEmptyPath{T}"/>); whether the path exists is left for the verb to say.
    /// </summary>
    public static Option<string?> PathOption(string name, string description, string helpName,
        bool required = false) => RefuseEmptyPath(Text(name, description, helpName, required));

    /// <summary>
    /// A folder option (null when absent). An empty value, or one naming an existing file, is
    /// refused as a usage error naming the path; a missing folder is left for the verb to report.
    /// </summary>
    public static Option<string?> Folder(string name, string description, bool required = false)
    {
        var option = PathOption(name, description, "dir", required);
        option.Validators.Add(result =>
        {
            var path = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
            if (path is not null && File.Exists(path))
            {
                result.AddError($"{name}: '{TerminalText.Name(path)}' is a file, not a folder");
            }
        });
        return option;
    }

    /// <summary>
    /// An output file option (null when absent). An empty value, one naming an existing folder, or
    /// (when <paramref name="extensions"/> are given) one with another extension is refused as a
    /// usage error naming the path, so the mistake shows before any work rather than at the end.
    /// </summary>
    /// <param name="name">The option name.</param>
    /// <param name="description">The help text.</param>
    /// <param name="extensions">Accepted extensions with their dot, e.g. ".csv"; any when empty.</param>
    public static Option<string?> OutputFile(string name, string description, params string[] extensions)
    {
        var option = PathOption(name, description, "file");
        option.Validators.Add(result =>
        {
            var path = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
            if (string.IsNullOrEmpty(path))
            {
                return;
            }

            string ext = Path.GetExtension(path).ToLowerInvariant();
            if (Directory.Exists(path))
            {
                result.AddError($"{TerminalText.Name(path)}: is a folder; {name} needs a file name");
            }
            else if (extensions.Length > 0 && !extensions.Contains(ext))
            {
                result.AddError($"{TerminalText.Name(path)}: {name} must end in {string.Join(" or ", extensions)}");
            }
        });
        return option;
    }

    /// <summary>
    /// Refuses, as a usage error (exit 2, before any work), a value the verb's own parser would
    /// refuse later: <paramref name="parse"/> runs on the given value and its
    /// <see cref="CliException"/> becomes the error. An absent option is left to its default.
    /// </summary>
    /// <param name="option">A text option, e.g. a comma-separated list; returned, for chaining.</param>
    /// <param name="parse">The verb's parser of the value; it throws CliException when the value is bad.</param>
    public static Option<T> CheckedBy<T>(Option<T> option, Action<string> parse)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0)
            {
                return;
            }

            try
            {
                parse(result.Tokens[^1].Value);
            }
            catch (CliException e)
            {
                result.AddError($"{e.Subject}: {e.Reason}");
            }
        });
        return option;
    }

    /// <summary>
    /// Refuses an empty value (<c>--data ""</c>, often an unset shell variable) as a usage error
    /// naming the option; without this the verb would report a file with no name.
    /// </summary>
    /// <param name="option">A path option; returned, for chaining.</param>
    public static Option<T> RefuseEmptyPath<T>(Option<T> option)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && result.Tokens[^1].Value.Length == 0)
            {
                result.AddError($"{option.Name} needs a path; got an empty string");
            }
        });
        return option;
    }

    /// <summary>
    /// Refuses, as usage errors, an empty path among the values of a PATHS argument, and a value
    /// that looks like an option (starts with '-') and names no file or folder: System.CommandLine
    /// hands a mistyped option such as <c>--fromat</c> to the argument, and it must not be taken as
    /// a missing file while the rest runs. A file really named like that can be given as
    /// <c>./--name</c>.
    /// </summary>
    /// <param name="argument">The argument; returned, for chaining.</param>
    public static Argument<T> RefuseEmptyPaths<T>(Argument<T> argument)
    {
        argument.Validators.Add(result =>
        {
            if (result.Tokens.Any(t => t.Value.Length == 0))
            {
                result.AddError($"{argument.Name}: an empty string is not a file or folder");
            }

            if (result.Tokens.FirstOrDefault(t => LooksLikeUnknownOption(t.Value)
                    && LiteralArguments.Value?.Contains(t.Value) != true) is { } unknown)
            {
                result.AddError($"unknown option '{unknown.Value}' (a file of that name is given as "
                    + $"./{unknown.Value})");
            }
        });
        return argument;
    }

    /// <summary>
    /// The words after "--" on the command line being parsed (set by <see cref="CliApp"/>): paths,
    /// never taken for mistyped options.
    /// </summary>
    internal static readonly AsyncLocal<HashSet<string>?> LiteralArguments = new();

    // "-" alone is a file name to some tools, never an option; anything else starting with '-'
    // that the parser left over and that names nothing on disk is a mistyped option.
    private static bool LooksLikeUnknownOption(string token) =>
        token.Length > 1 && token[0] == '-' && !File.Exists(token) && !Directory.Exists(token);

    /// <summary>
    /// An integer option with a default; values outside [min, max] are refused, naming the value,
    /// and so are those <paramref name="check"/> names a reason for (see <see cref="WholeNumber"/>).
    /// </summary>
    public static Option<int> Count(string name, string description, int fallback, int min, int max,
        Func<int, string?>? check = null) =>
        WholeNumber(
            new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback, HelpName = "n" },
            min, max, check: check);

    /// <summary>
    /// Parses the integer option's value itself: a whole number outside [min, max] is refused
    /// naming the range, also one too large for an int ('--beam 99999999999', which
    /// System.CommandLine refused as "Cannot parse argument ... as expected type 'System.Int32'"),
    /// and anything else says that a whole number was expected.
    /// </summary>
    /// <param name="option">An int or int? option; returned, for chaining.</param>
    /// <param name="min">The least value accepted.</param>
    /// <param name="max">The greatest value accepted.</param>
    /// <param name="range">How the error names the range (default "between MIN and MAX").</param>
    /// <param name="check">
    /// A further rule on a value in range: the error for it, or null when it is fine. It runs in
    /// the parser, so a rule of the verb never reads a value that failed to parse (a command
    /// validator calling GetValue on it threw, with a stack trace).
    /// </param>
    public static Option<T> WholeNumber<T>(Option<T> option, int min, int max, string? range = null,
        Func<int, string?>? check = null)
    {
        option.CustomParser = result =>
        {
            string token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            string digits = token.StartsWith('-') || token.StartsWith('+') ? token[1..] : token;
            if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
            {
                result.AddError($"{option.Name} takes a whole number; got '{token}'");
                return default;
            }

            if (!int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) ||
                n < min || n > max)
            {
                result.AddError($"{option.Name} must be {range ?? $"between {min} and {max}"}; got {token}");
                return default;
            }

            if (check?.Invoke(n) is { } problem)
            {
                result.AddError(problem);
                return default;
            }

            return (T)(object)n;
        };
        return option;
    }

    /// <summary>
    /// Parses the real option's value itself, as a plain decimal number ("1.5", "2e-3"): one that
    /// is not (a comma, "1,5", which .NET reads as a thousands separator and so as 15; "abc") says
    /// that a number was expected (System.CommandLine's own text named "System.Double"), and a
    /// number outside [min, max], NaN and the infinities included, is refused naming the range.
    /// </summary>
    /// <param name="option">A double or double? option; returned, for chaining.</param>
    /// <param name="min">The least value accepted.</param>
    /// <param name="max">The greatest value accepted.</param>
    /// <param name="range">How the error names the range (default "between MIN and MAX").</param>
    public static Option<T> RealNumber<T>(Option<T> option, double min, double max, string? range = null)
    {
        option.CustomParser = result =>
        {
            string token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double x))
            {
                result.AddError($"{option.Name} takes a number like 0.5; got '{token}'");
                return default;
            }

            // Written so that NaN, which compares false with everything, is out of range too.
            if (!(x >= min && x <= max))
            {
                range ??= string.Create(CultureInfo.InvariantCulture, $"between {min} and {max}");
                result.AddError($"{option.Name} must be {range}; got {token}");
                return default;
            }

            return (T)(object)x;
        };
        return option;
    }

    /// <summary>
    /// A real option with a default; values outside [min, max], and NaN, are refused, naming the value. A
    /// float default (a library's <c>2e-3f</c>) is taken at its shortest decimal, so that help says
    /// 0.002 rather than the float's exact value 0.0020000000949949026.
    /// </summary>
    public static Option<double> Number(string name, string description, double fallback, double min, double max)
    {
        fallback = ShortestOfFloat(fallback);
        return RealNumber(new Option<double>(name) { Description = description, DefaultValueFactory = _ => fallback },
            min, max);
    }

    // The double the float's shortest round-trip text stands for, when the value is a float at all.
    private static double ShortestOfFloat(double value)
    {
        float single = (float)value;
        if ((double)single != value || !float.IsFinite(single))
        {
            return value;
        }

        return double.Parse(single.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A string option limited to <paramref name="values"/>, defaulting to <paramref name="fallback"/>.
    /// </summary>
    /// <param name="name">The option name.</param>
    /// <param name="description">The help text.</param>
    /// <param name="fallback">The default.</param>
    /// <param name="values">The accepted values.</param>
    public static Option<string> Choice(string name, string description, string fallback, params string[] values)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            DefaultValueFactory = _ => fallback,
            HelpName = string.Join('|', values),
        };
        return OneOf(option, values);
    }

    /// <summary>
    /// Limits a string option to <paramref name="values"/> in any case ("SRT" is "srt"): the
    /// value comes back as written in <paramref name="values"/>, and anything else is refused
    /// with the choices named. (AcceptOnlyFromAmong compares case-sensitively.)
    /// </summary>
    /// <param name="option">The option; returned, for chaining.</param>
    /// <param name="values">The accepted values, as the verb wants them.</param>
    public static Option<string> OneOf(Option<string> option, params string[] values)
    {
        option.CustomParser = result =>
        {
            string token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (Array.Find(values, v => string.Equals(v, token, StringComparison.OrdinalIgnoreCase)) is { } known)
            {
                return known;
            }

            result.AddError($"{option.Name} takes one of {string.Join(", ", values)}; got '{token}'");
            return null;
        };
        option.CompletionSources.Add(values);
        return option;
    }
}
