using System.Globalization;
using System.Text;

namespace Multimodal.Cli.Output;

/// <summary>
/// Makes a value safe as one field of a tab-separated line: a file name may hold a tab or a
/// newline, which would split the <c>path&lt;TAB&gt;text</c> line a script reads. Backslash,
/// tab, newline and carriage return become <c>\\</c>, <c>\t</c>, <c>\n</c> and <c>\r</c>, and
/// other control characters <c>\xHH</c> (the escapes of PostgreSQL's text COPY format), so the
/// field can be unescaped back to the original.
/// </summary>
public static class TsvField
{
    /// <summary>The escaped field; text without backslashes or control characters is returned as is.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Any(c => c == '\\' || char.IsControl(c)))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 8);
        foreach (char c in value)
        {
            builder.Append(c switch
            {
                '\\' => @"\\",
                '\t' => @"\t",
                '\n' => @"\n",
                '\r' => @"\r",
                _ when char.IsControl(c) => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }
}
