using System.CommandLine;
using Multimodal.Cli.Hosting;

namespace Multimodal.Cli.Batch;

/// <summary>
/// The <c>--jobs N</c> option of batch verbs, validated once here for all of them. 0 means every
/// core, the same in every verb (<c>caption</c>, <c>eval caption</c>, <c>transcribe</c>).
/// </summary>
public static class JobsOption
{
    /// <summary>The most jobs accepted.</summary>
    public const int Max = 256;

    /// <summary>A new <c>--jobs</c>/<c>-j</c> option (default 1) to add to a batch verb.</summary>
    public static Option<int> Create()
    {
        var option = new Option<int>("--jobs", "-j")
        {
            Description = "Files worked on at once (0: one per core)",
            DefaultValueFactory = _ => 1,
            HelpName = "n",
        };
        return OptionBuilders.WholeNumber(option, 0, Max, $"between 0 (every core) and {Max}");
    }

    /// <summary>The number of jobs to run: <paramref name="jobs"/>, or the core count for 0.</summary>
    public static int Resolve(int jobs) => jobs > 0 ? jobs : Math.Clamp(Environment.ProcessorCount, 1, Max);
}
