using System.CommandLine;

namespace Multimodal.Cli.Hosting;

/// <summary>
/// One verb of the CLI, in one file under Commands/. A module builds its <see cref="Command"/>
/// (arguments, options, action) from the shared <see cref="CliContext"/>; adding a verb means
/// writing a module and listing it in <see cref="CommandModules.All"/>.
/// </summary>
public interface ICommandModule
{
    /// <summary>Builds the verb; its action should return an exit code from <see cref="ExitCodes"/>.</summary>
    Command Build(CliContext context);
}
