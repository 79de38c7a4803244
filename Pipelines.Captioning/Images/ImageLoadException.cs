namespace Pipelines.Captioning.Images;

/// <summary>An image file that cannot be used, with the file and the reason in words.</summary>
public sealed class ImageLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file.</param>
    /// <param name="reason">What is wrong, e.g. "empty file (0 bytes)".</param>
    /// <param name="inner">The decoder's exception, when there was one.</param>
    public ImageLoadException(string path, string reason, Exception? inner = null)
        : base($"{path}: {reason}", inner)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Reason { get; }
}
