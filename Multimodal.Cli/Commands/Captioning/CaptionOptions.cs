using System.CommandLine;
using System.Globalization;

namespace Multimodal.Cli.Commands.Captioning;

/// <summary>Option builders shared by the caption verbs (ranges are checked with the bad value in the error).</summary>
internal static class CaptionOptions
{
    public static Option<string?> Text(string name, string description, string helpName, bool required = false) =>
        new(name) { Description = description, HelpName = helpName, Required = required };

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

    /// <summary>--beam K (1 is greedy).</summary>
    public static Option<int> Beam() => Count("--beam", "Beam width (1: greedy)", 3, 1, 100);

    /// <summary>--length-penalty alpha.</summary>
    public static Option<double> LengthPenalty() =>
        Number("--length-penalty", "Length normalisation alpha: score = logp / ((5+len)/6)^alpha", 0.7, 0, 5);

    /// <summary>--block-trigrams.</summary>
    public static Option<bool> BlockTrigrams() =>
        new("--block-trigrams") { Description = "Never repeat a trigram within a caption" };
}
