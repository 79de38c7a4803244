using Multimodal.Cli.Output;

namespace Multimodal.Cli.Hosting;

/// <summary>
/// The one error format of the CLI: a single line on stderr that scripts can grep,
/// "error: &lt;file&gt;: &lt;reason&gt;".
/// </summary>
public static class ErrorLine
{
    /// <summary>Formats the line without writing it.</summary>
    public static string Format(string? subject, string reason) => Format("error", subject, reason);

    /// <summary>
    /// The same one-line form for a problem that did not stop the work: "warning: &lt;file&gt;: &lt;reason&gt;".
    /// </summary>
    public static string FormatWarning(string? subject, string reason) => Format("warning", subject, reason);

    /// <summary>
    /// The line without its "error: " prefix, "&lt;file&gt;: &lt;reason&gt;": what a <c>--json</c> verb puts
    /// in its object's "error" field, so a script reads the very text a person reads on stderr.
    /// </summary>
    public static string Text(string? subject, string reason)
    {
        // Newlines would break "one line per error", and System.CommandLine puts tabs in some
        // of its messages; any run of whitespace becomes one space (TerminalText.Line).
        // Reasons and subjects quote files and folders (tensor names, paths), so no control characters
        // pass either; only the whitespace collapse, not the table-cell length cap, applies. The
        // subject is a file name: its newlines and tabs are shown escaped, so it can be found again.
        var oneLine = TerminalText.Line(reason, int.MaxValue);
        return subject is null ? oneLine : $"{TerminalText.Name(subject)}: {oneLine}";
    }

    private static string Format(string level, string? subject, string reason) =>
        $"{level}: {Text(subject, reason)}";

    /// <summary>
    /// The reason for a full disk or an exceeded quota (ENOSPC, EDQUOT, which the system sets as
    /// an IOException's HResult on Linux), naming the folder: .NET's own "No space left on device :
    /// '&lt;dir&gt;/.x.tmp'" names a temporary file, already removed since every output is written
    /// through one. Null for any other error.
    /// </summary>
    public static string? OutOfSpace(Exception e)
    {
        if (e is not IOException { HResult: 28 or 122 } io)
        {
            return null;
        }

        string path = System.Text.RegularExpressions.Regex.Match(io.Message, "'(?<p>[^']+)'").Groups["p"].Value;
        string what = io.HResult == 28 ? "no space left on the device" : "disk quota exceeded";
        return path.Length > 0 ? $"cannot write in {TerminalText.Name(Path.GetDirectoryName(path)!)}: {what}" : what;
    }

    /// <summary>Writes the line to <paramref name="error"/>.</summary>
    public static void Write(TextWriter error, string? subject, string reason) =>
        error.WriteLine(Format(subject, reason));
}
