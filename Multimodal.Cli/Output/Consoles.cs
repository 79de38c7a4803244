using Spectre.Console;

namespace Multimodal.Cli.Output;

/// <summary>Spectre consoles bound to a given writer instead of the process's own console.</summary>
public static class Consoles
{
    /// <summary>Width used for tables when the output is not a terminal (no width to detect).</summary>
    public const int RedirectedWidth = 120;

    /// <summary>
    /// A console writing to <paramref name="writer"/>. Redirected output gets no ANSI codes and
    /// no colours, so files and pipes hold plain text.
    /// </summary>
    public static IAnsiConsole Create(TextWriter writer, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });

        if (!interactive)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
