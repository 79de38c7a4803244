using System.Text;

namespace Rnn.Core.Serialization;

/// <summary>
/// Writes files so that a reader (or a crash) never sees a half-written target: the content goes
/// to a temporary file in the target's folder, is flushed to disk, and is then renamed over the
/// target. The rename is atomic on POSIX file systems and on NTFS, so the target holds either the
/// old content or the complete new content. On any failure the temporary file is deleted and the
/// target is left as it was.
/// </summary>
/// <remarks>
/// Limit: .NET has no portable way to fsync a directory, so after a power loss (not a process
/// crash) the rename itself may be lost and the target may still hold the old content; it is
/// never partial.
/// </remarks>
/// <example>
/// <code>
/// AtomicFile.WriteAllText("out/result.json", json);
/// AtomicFile.Write("ckpt/weights.safetensors", stream => writer.WriteTo(stream));
/// </code>
/// </example>
public static class AtomicFile
{
    // Prefix and suffix mark leftovers of a killed process so a user can recognise and delete them.
    private const string TempSuffix = ".tmp";

    /// <summary>
    /// Bytes the temporary file's name adds to the target's ("." before it, "." + 32 hex digits +
    /// ".tmp" after): a target name within this of the file system's limit cannot be written.
    /// </summary>
    public static int TempNameOverhead => 2 + 32 + TempSuffix.Length;

    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="bytes"/>.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        // A span cannot be captured by the callback, so copy once; model files are small.
        byte[] copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy, 0, copy.Length));
    }

    /// <summary>Atomically replaces <paramref name="path"/> with UTF-8 text (no byte-order mark).</summary>
    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));

    /// <summary>
    /// Atomically replaces <paramref name="path"/> with whatever <paramref name="write"/> writes to
    /// the stream it is given. The folder is created when missing. If <paramref name="write"/>
    /// throws, the exception propagates and the target is untouched.
    /// </summary>
    /// <param name="path">The target file.</param>
    /// <param name="write">Writes the complete content; must not dispose the stream.</param>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);

        string target = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(target)
            ?? throw new ArgumentException($"'{path}' names no file inside a folder", nameof(path));
        Directory.CreateDirectory(folder);

        // Same folder as the target: a rename across file systems would be a copy, not atomic.
        string temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
            // The original error matters more; a leftover ".tmp" file is harmless and recognisable.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
