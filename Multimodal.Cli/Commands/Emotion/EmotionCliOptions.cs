using System.CommandLine;
using Pipelines.Video.Emotion;
using static Multimodal.Cli.Hosting.OptionBuilders;

namespace Multimodal.Cli.Commands.Emotion;

/// <summary>Options shared by the emotion subcommands.</summary>
internal static class EmotionCliOptions
{
    /// <summary>--model DIR, defaulting to the bundled emotion model.</summary>
    public static Option<string?> ModelOption() => PathOption("--model",
        $"Emotion model directory (default: the bundled {EmotionModelLocator.DefaultModel})", "dir");

    /// <summary>--shift N: the test-time views moved N pixels each way (default the recognizer's).</summary>
    public static Option<int> ShiftOption(string what) => Count("--shift",
        $"Also average {what} moved this many pixels up, down, left and right (0: not)",
        new EmotionRecognizerOptions().Shift, 0, 16);
}
