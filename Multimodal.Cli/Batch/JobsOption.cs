using System.CommandLine;

namespace Multimodal.Cli.Batch;

/// <summary>The <c>--jobs N</c> option of batch verbs, validated once here for all of them.</summary>
public static class JobsOption
{
    /// <summary>A new <c>--jobs</c>/<c>-j</c> option (default 1) to add to a batch verb.</summary>
    public static Option<int> Create()
    {
        var option = new Option<int>("--jobs", "-j")
        {
            Description = "Files worked on at once",
            DefaultValueFactory = _ => 1,
            HelpName = "n",
        };
        option.Validators.Add(result =>
        {
            // A token that is not a number already has the parser's own conversion error.
            var token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
            if (token is null || !int.TryParse(token, System.Globalization.CultureInfo.InvariantCulture, out var jobs))
            {
                return;
            }

            if (jobs < 1 || jobs > 256)
            {
                result.AddError($"--jobs must be between 1 and 256; got {jobs}");
            }
        });
        return option;
    }
}
