using Spectre.Console;

namespace Multimodal.Cli.Output;

/// <summary>Spectre consoles bound to a given writer instead of the process's own console.</summary>
public static class Consoles
{
    /// <summary>Width used for tables when the output is not a terminal (no width to detect).</summary>
    public const int RedirectedWidth = 120;

    /// <summary>
    /// The narrowest width tables are drawn at: on a narrower terminal (20 columns) a table squeezed
    /// to fit showed one character a line, and `video emotion` showed no emotion at all; drawn at this
    /// width, the terminal wraps the lines and every cell stays readable.
    /// </summary>
    public const int MinimumWidth = 60;

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
        else if (console.Profile.Width < MinimumWidth)
        {
            console.Profile.Width = MinimumWidth;
        }

        return console;
    }
}
