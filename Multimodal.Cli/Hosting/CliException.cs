namespace Multimodal.Cli.Hosting;

/// <summary>
/// A failure the user can act on, printed as one line "error: &lt;file&gt;: &lt;reason&gt;" (or
/// "error: &lt;reason&gt;" when no file is involved) with exit code 1 and no stack trace.
/// </summary>
public sealed class CliException : Exception
{
    public CliException(string? subject, string reason)
        : base(subject is null ? reason : $"{subject}: {reason}")
    {
        Subject = subject;
        Reason = reason;
    }

    /// <summary>The file, folder or option the error is about, or null.</summary>
    public string? Subject { get; }

    /// <summary>What is wrong, and where possible how to fix it.</summary>
    public string Reason { get; }
}
