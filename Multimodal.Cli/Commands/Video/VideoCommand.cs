using System.CommandLine;
using Multimodal.Cli.Hosting;

namespace Multimodal.Cli.Commands.Video;

/// <summary>
/// <c>multimodal video SUBCOMMAND ...</c>: the video verbs. Each subcommand is a module in its
/// own file in this folder; adding one is one line in <see cref="Subcommands"/>.
/// </summary>
public sealed class VideoCommand : ICommandModule
{
    /// <summary>The subcommands, in the order help lists them.</summary>
    public static IReadOnlyList<ICommandModule> Subcommands { get; } =
    [
        new VideoPredictCommand(),
        new VideoEmotionCommand(),
    ];

    /// <inheritdoc />
    public Command Build(CliContext context)
    {
        var command = new Command("video", "Video: predict the next frames of a clip, and more");
        foreach (var sub in Subcommands)
        {
            command.Subcommands.Add(sub.Build(context));
        }

        return command;
    }
}
