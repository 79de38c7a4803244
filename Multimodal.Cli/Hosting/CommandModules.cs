using Multimodal.Cli.Commands;

namespace Multimodal.Cli.Hosting;

/// <summary>The verbs of the CLI, in the order help lists them.</summary>
public static class CommandModules
{
    /// <summary>
    /// One line per verb. Pipeline verbs (transcribe, caption, video, train, eval, bench) join
    /// this list as their pipelines land.
    /// </summary>
    public static IReadOnlyList<ICommandModule> All { get; } =
    [
        new TranscribeCommand(),
        new Commands.Captioning.CaptionCommand(),
        new Commands.Video.VideoCommand(),
        new TrainCommand(),
        new EvalCommand(),
        new ModelsCommand(),
    ];
}
