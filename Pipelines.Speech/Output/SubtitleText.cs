using System.Text;

namespace Pipelines.Speech.Output;

/// <summary>
/// Makes recognised words safe to put in text files whose structure is made of lines. A word is
/// whatever the model's vocabulary spells, and the vocabulary of a model trained by a user can
/// hold any character: a newline or carriage return in a word would end a subtitle cue early (a
/// blank line ends a cue in SRT and WebVTT alike), and "-->" would make a text line read as a
/// timing line.
/// </summary>
public static class SubtitleText
{
    /// <summary>
    /// <paramref name="word"/> on one line: every run of control characters (newline, carriage
    /// return, tab, NUL, NEL), Unicode line or paragraph separators and spaces becomes one space,
    /// and spaces at either end are trimmed, so a word made only of such characters gives "".
    /// </summary>
    public static string OneLine(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (!word.Any(c => IsBreak(c) || c == ' '))
        {
            return word;
        }

        var text = new StringBuilder(word.Length);
        foreach (char c in word)
        {
            bool gap = IsBreak(c) || c == ' ';
            if (!gap)
            {
                text.Append(c);
            }
            else if (text.Length > 0 && text[^1] != ' ')
            {
                text.Append(' ');
            }
        }

        return text.ToString().TrimEnd(' ');
    }

    /// <summary>
    /// A SubRip cue line with every "-->" broken up as "-- >". SubRip has no escapes, and a
    /// reader takes any line holding "-->" for a timing line.
    /// </summary>
    /// <remarks>
    /// One pass is enough: the space put before each "&gt;" cannot make a new arrow, and two
    /// arrows cannot overlap since "-->" does not start with "&gt;".
    /// Limit: many players also read HTML-like tags (&lt;i&gt;) and ASS overrides ({\an8}) in
    /// SubRip text; there is no way to escape them, so they reach the player as written. WebVTT
    /// output has no such gap.
    /// </remarks>
    public static string SrtLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.Replace("-->", "-- >", StringComparison.Ordinal);
    }

    /// <summary>
    /// A WebVTT cue line with "&amp;", "&lt;" and "&gt;" written as character references, as the
    /// WebVTT spec asks of cue text: "&lt;" would open a tag, "&amp;" a reference, and with "&gt;"
    /// escaped "-->" cannot appear in a cue.
    /// </summary>
    public static string VttLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);
    }

    private static bool IsBreak(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
