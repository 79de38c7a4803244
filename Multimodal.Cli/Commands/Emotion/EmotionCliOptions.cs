using System.CommandLine;
using static Multimodal.Cli.Hosting.OptionBuilders;

namespace Multimodal.Cli.Commands.Emotion;

/// <summary>Options shared by the emotion subcommands.</summary>
internal static class EmotionCliOptions
{
    /// <summary>--model DIR, defaulting to the bundled emotion model.</summary>
    public static Option<string?> ModelOption() => Text("--model",
        $"Emotion model directory (default: the bundled {EmotionModelLocator.DefaultModel})", "dir");
}
