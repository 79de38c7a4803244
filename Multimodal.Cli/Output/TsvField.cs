namespace Multimodal.Cli.Output;

/// <summary>
/// Makes a value safe as one field of a tab-separated line: a file name may hold a tab or a
/// newline, which would split the <c>path&lt;TAB&gt;text</c> line a script reads. The escapes are
/// those of <see cref="TerminalText.Name"/> (backslash, tab, newline and carriage return as
/// <c>\\</c>, <c>\t</c>, <c>\n</c>, <c>\r</c>, other control characters as <c>\xHH</c>, as in
/// PostgreSQL's text COPY format, and bidi controls as <c>\uXXXX</c>), so the field can be unescaped
/// back to the original and error lines name the file the same way.
/// </summary>
public static class TsvField
{
    /// <summary>The escaped field; text without backslashes or control characters is returned as is.</summary>
    public static string Escape(string value) => TerminalText.Name(value);
}
