using System.Globalization;
using System.Text;

namespace Multimodal.Cli.Output;

/// <summary>
/// Makes text from a model folder safe to print: a folder is data, and its control characters
/// (ESC sequences that retitle or clear the terminal, BEL, CR that overwrites a line, bidi overrides
/// that reorder it) must not reach the user's terminal.
/// </summary>
public static class TerminalText
{
    /// <summary>Longest table cell <see cref="Line"/> returns, ellipsis included.</summary>
    public const int MaxCell = 80;

    private const string Ellipsis = "...";

    /// <summary>
    /// One line of at most <paramref name="max"/> characters: runs of whitespace (newlines and tabs
    /// included) become one space, every other control or bidi character becomes '?', and longer text
    /// is cut with "...".
    /// </summary>
    /// <param name="text">Untrusted text.</param>
    /// <param name="max">Length cap; at least the ellipsis length.</param>
    public static string Line(string text, int max = MaxCell)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, Ellipsis.Length);
        var builder = new StringBuilder(Math.Min(text.Length, max));
        bool space = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(IsUnsafe(c) ? '?' : c);
            if (builder.Length > max)
            {
                break;
            }
        }

        return builder.Length > max ? builder.ToString(0, max - Ellipsis.Length) + Ellipsis : builder.ToString();
    }

    /// <summary>
    /// A file or folder name on one line, exact enough to find the file again and safe for the
    /// terminal: backslash, tab, newline and carriage return appear as \\, \t, \n and \r, other
    /// control characters as \xHH, the bidi and line-separator characters as \uXXXX; everything
    /// else, spaces included, as it is. Reversible, so it also serves as a TSV field
    /// (<see cref="TsvField"/>). <see cref="Line"/> would make a newline a space and drop leading ones.
    /// </summary>
    /// <param name="name">Untrusted text (a path from the command line or a folder).</param>
    public static string Name(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!name.Any(c => c == '\\' || IsUnsafe(c)))
        {
            return name;
        }

        var builder = new StringBuilder(name.Length + 8);
        foreach (char c in name)
        {
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '\t': builder.Append(@"\t"); break;
                case '\n': builder.Append(@"\n"); break;
                case '\r': builder.Append(@"\r"); break;
                case < '\u0100' when char.IsControl(c):
                    builder.Append(string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"));
                    break;
                case var _ when IsUnsafe(c):
                    builder.Append(string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"));
                    break;
                default: builder.Append(c); break;
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Multi-line text (a model card) with its layout kept: LF, CRLF (as LF) and tabs stay, every other
    /// control or bidi character becomes '?'.
    /// </summary>
    /// <param name="text">Untrusted text.</param>
    public static string Block(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                continue;
            }

            builder.Append(c is '\n' or '\t' || !IsUnsafe(c) ? c : '?');
        }

        return builder.ToString();
    }

    /// <summary>
    /// C0 and C1 controls and DEL (char.IsControl), the Unicode bidi embeddings, overrides and isolates
    /// (U+202A..U+202E, U+2066..U+2069), and the line and paragraph separators (U+2028, U+2029).
    /// </summary>
    private static bool IsUnsafe(char c) =>
        char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u2028' or '\u2029';
}
