using System.CommandLine;
using System.Globalization;

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
                result.AddError($"{name}: '{path}' is a file, not a folder");
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

    /// <summary>Refuses an empty path among the values of a PATHS argument, as a usage error.</summary>
    /// <param name="argument">The argument; returned, for chaining.</param>
    public static Argument<T> RefuseEmptyPaths<T>(Argument<T> argument)
    {
        argument.Validators.Add(result =>
        {
            if (result.Tokens.Any(t => t.Value.Length == 0))
            {
                result.AddError($"{argument.Name}: an empty string is not a file or folder");
            }
        });
        return argument;
    }

    /// <summary>An integer option with a default; values outside [min, max] are refused, naming the value.</summary>
    public static Option<int> Count(string name, string description, int fallback, int min, int max)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.Validators.Add(result =>
        {
            var token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
            if (int.TryParse(token, CultureInfo.InvariantCulture, out var n) && (n < min || n > max))
            {
                result.AddError($"{name} must be between {min} and {max}; got {n}");
            }
        });
        return option;
    }

    /// <summary>A real option with a default; values outside [min, max] are refused, naming the value.</summary>
    public static Option<double> Number(string name, string description, double fallback, double min, double max)
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.Validators.Add(result =>
        {
            var token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
            if (double.TryParse(token, CultureInfo.InvariantCulture, out var x) && (x < min || x > max))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture,
                    $"{name} must be between {min} and {max}; got {x}"));
            }
        });
        return option;
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
        option.AcceptOnlyFromAmong(values);
        return option;
    }
}
