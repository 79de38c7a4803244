using Rnn.Core.Serialization;

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

    /// <summary>
    /// The error for a file that could not be found: "is a folder, not a WHAT" when a folder has
    /// that name (the system's answer, "not found", would send the user looking for a missing
    /// file), a path too long for the system (<see cref="FileKind.PathTooLong"/>), a folder on the
    /// way that cannot be looked into, else "WHAT does not exist".
    /// </summary>
    /// <param name="path">The path given.</param>
    /// <param name="what">What the file should have been, e.g. "manifest".</param>
    public static CliException MissingFile(string path, string what) => new(path,
        Directory.Exists(path) ? $"is a folder, not a {what}"
        : FileKind.PathTooLong(path) is { } tooLong ? tooLong
        : FileKind.DeniedFolder(path) is { } closed ? $"cannot be reached: permission denied on the folder {closed}"
        : $"{what} does not exist");

    /// <summary>The file, folder or option the error is about, or null.</summary>
    public string? Subject { get; }

    /// <summary>What is wrong, and where possible how to fix it.</summary>
    public string Reason { get; }
}
