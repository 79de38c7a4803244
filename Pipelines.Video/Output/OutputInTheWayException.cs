namespace Pipelines.Video.Output;

/// <summary>
/// Something that cannot be replaced by a file (a folder) has the name of an output; thrown
/// before any output is moved into place, so the folder is left as it was.
/// </summary>
public sealed class OutputInTheWayException : IOException
{
    /// <summary>Creates the exception for the entry at <paramref name="path"/>.</summary>
    /// <param name="path">The entry in the way, a full path.</param>
    /// <param name="reason">What is in the way of which output, without the path, e.g. "a folder is in the way
    /// of strip.png".</param>
    public OutputInTheWayException(string path, string reason)
        : base($"'{path}': {reason}")
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The entry in the way.</summary>
    public string Path { get; }

    /// <summary>The reason alone, without the path.</summary>
    public string Reason { get; }
}
