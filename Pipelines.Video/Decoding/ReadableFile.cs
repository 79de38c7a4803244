using Rnn.Core.Serialization;

namespace Pipelines.Video.Decoding;

/// <summary>
/// Whether a file can be opened for reading, as a reason for the one-line error: OpenCV only says
/// it cannot open the file, and .NET's own message ("Access to the path '...' is denied") repeats
/// the path the error line already names.
/// </summary>
internal static class ReadableFile
{
    /// <summary>Null when the file opens; otherwise e.g. "cannot be read: permission denied".</summary>
    public static string? Problem(string path)
    {
        if (FileKind.NotRegular(path) is { } kind)
        {
            return kind;   // opening a named pipe would wait for ever
        }

        try
        {
            using var stream = File.OpenRead(path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Reason(e);
        }
    }

    /// <summary>The reason for a failed read of a file that exists.</summary>
    public static string Reason(Exception e) => e is UnauthorizedAccessException
        ? "cannot be read: permission denied"
        : $"cannot be read: {e.Message}";
}
