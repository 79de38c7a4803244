namespace Pipelines.Video.Decoding;

/// <summary>
/// A file could not be read as video. The message is one line naming the file and the reason,
/// e.g. <c>'clip.mp4': no decodable video frames (codec 'avc1', header announces 0 frames)</c>,
/// so a batch can print it as it is and go on with the next file.
/// </summary>
public sealed class VideoFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/> with a short reason.</summary>
    /// <param name="path">The file that failed.</param>
    /// <param name="reason">What is wrong with it, with the bad value.</param>
    /// <param name="inner">The library error behind it, if any.</param>
    public VideoFormatException(string path, string reason, Exception? inner = null)
        : base($"'{path}': {reason}", inner)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The file that failed.</summary>
    public string Path { get; }

    /// <summary>The reason alone, without the file name.</summary>
    public string Reason { get; }
}
