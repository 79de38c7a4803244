using System.CommandLine;
using System.Globalization;

namespace Multimodal.Cli.Commands.Emotion;

/// <summary>Range-checked options shared by the emotion subcommands.</summary>
internal static class EmotionCliOptions
{
    public static Option<string?> Text(string name, string description, string helpName, bool required = false) =>
        new(name) { Description = description, HelpName = helpName, Required = required };

    public static Option<string?> ModelOption() => Text("--model",
        $"Emotion model directory (default: the bundled {EmotionModelLocator.DefaultModel})", "dir");

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
}
