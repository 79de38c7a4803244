namespace Pipelines.Video.Decoding;

/// <summary>
/// Names the container from a file's first bytes, so the error for a file OpenCV cannot open
/// says more than "cannot open": an MP4 with no video stream and a text file get different words.
/// </summary>
internal static class ContainerSniffer
{
    /// <summary>The kind of container the magic bytes announce, or null when unknown.</summary>
    public static string? Name(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 8 && head[4..8].SequenceEqual("ftyp"u8))
        {
            return "MP4/QuickTime";
        }

        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("AVI "u8))
        {
            return "AVI";
        }

        if (head.Length >= 4 && head[0] == 0x1A && head[1] == 0x45 && head[2] == 0xDF && head[3] == 0xA3)
        {
            return "Matroska/WebM";
        }

        if (head.Length >= 4 && head[..4].SequenceEqual("OggS"u8))
        {
            return "Ogg";
        }

        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WAVE"u8))
        {
            return "WAV audio";
        }

        return null;
    }

    /// <summary>The reason given when OpenCV's FFmpeg backend refuses to open the file.</summary>
    public static string CannotOpenReason(string path)
    {
        Span<byte> head = stackalloc byte[16];
        int read;
        using (var stream = File.OpenRead(path))
        {
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (Name(head[..read]) is not { } kind)
        {
            return "cannot be opened as video: not a container OpenCV's FFmpeg reads, or corrupt";
        }

        return ContainerExtent.Shortfall(path) is { } cut
            ? $"cannot be opened as video: {kind} file that appears truncated: {cut}"
            : $"cannot be opened as video: {kind} file with no readable video stream " +
              "(audio only, truncated, corrupt, or a codec this build lacks)";
    }
}
