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
public static partial class AtomicFile
{
    // Prefix and suffix mark leftovers of a killed process so a user can recognise and delete them.
    private const string TempSuffix = ".tmp";

    // A random GUID (122 random bits) as 32 hex digits: two writers of one target never meet on a
    // temporary file.
    private const int RandomHexDigits = 32;

    /// <summary>
    /// The longest file name, in UTF-8 bytes, that Linux file systems take (NAME_MAX; ext4, XFS,
    /// Btrfs and tmpfs alike). A longer name fails with "File name too long" however short the path.
    /// </summary>
    public const int MaxNameBytes = 255;

    /// <summary>
    /// Why the file name of <paramref name="path"/> cannot be created: "file name too long: N bytes,
    /// the limit is 255"; null when it fits. The temporary file never adds to this limit (see
    /// <see cref="TempPath"/>).
    /// </summary>
    public static string? NameTooLong(string path)
    {
        int bytes = Encoding.UTF8.GetByteCount(Path.GetFileName(path));
        return bytes > MaxNameBytes ? $"file name too long: {bytes} bytes, the limit is {MaxNameBytes}" : null;
    }

    /// <summary>
    /// Throws when <paramref name="path"/>'s file name is over <see cref="MaxNameBytes"/>, before any
    /// work: the system's own error comes only at the write, and .NET's text names the temporary file.
    /// </summary>
    /// <exception cref="PathTooLongException">"cannot write '&lt;path&gt;': file name too long: N bytes,
    /// the limit is 255".</exception>
    public static void ThrowIfNameTooLong(string path)
    {
        if (NameTooLong(path) is { } tooLong)
        {
            throw new PathTooLongException($"cannot write '{Path.GetFullPath(path)}': {tooLong}");
        }
    }

    /// <summary>
    /// A fresh temporary file for <paramref name="target"/> in the target's folder:
    /// ".&lt;name&gt;.&lt;32 hex digits&gt;&lt;suffix&gt;". The part taken from the target's name is cut
    /// (on a character boundary) so that the whole name stays within <see cref="MaxNameBytes"/>:
    /// a target whose name is itself at the limit can still be written. The random digits, not the
    /// name, keep two temporary files apart, so the cut costs nothing in uniqueness.
    /// </summary>
    /// <param name="target">The file the temporary one will be renamed to.</param>
    /// <param name="suffix">Ends the name, ".tmp" by default; a writer that picks the format from
    /// the extension (OpenCV) passes ".tmp.png" and the like.</param>
    public static string TempPath(string target, string suffix = TempSuffix)
    {
        string full = Path.GetFullPath(target);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException(
            $"'{target}' names no file inside a folder", nameof(target));
        string random = Guid.NewGuid().ToString("N");
        int room = MaxNameBytes - 2 - RandomHexDigits - Encoding.UTF8.GetByteCount(suffix);
        return Path.Combine(folder, $".{Prefix(Path.GetFileName(full), room)}.{random}{suffix}");
    }

    /// <summary>
    /// Deletes the temporary files <see cref="TempPath"/> names (".NAME.&lt;32 hex digits&gt;.tmp")
    /// left directly in <paramref name="folder"/> by a writer killed before its rename, and says how
    /// many went. Only for a folder its caller holds alone (an output lock): another writer's
    /// temporary file there would be deleted under it.
    /// </summary>
    public static int RemoveLeftovers(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        int removed = 0;
        foreach (string file in Directory.EnumerateFiles(folder, "." + "*" + TempSuffix))
        {
            if (LeftoverName().IsMatch(Path.GetFileName(file)))
            {
                File.Delete(file);
                removed++;
            }
        }

        return removed;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\..*\.[0-9a-f]{32}\.tmp$")]
    private static partial System.Text.RegularExpressions.Regex LeftoverName();

    // The longest start of name within maxBytes of UTF-8 that ends between two characters: a cut
    // inside a surrogate pair would leave a lone surrogate, which UTF-8 cannot encode.
    private static string Prefix(string name, int maxBytes)
    {
        int bytes = 0;
        int end = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > maxBytes)
            {
                break;
            }

            end += rune.Utf16SequenceLength;
        }

        return name[..end];
    }

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
    /// <exception cref="PathTooLongException">The target's name is over <see cref="MaxNameBytes"/>
    /// (<see cref="ThrowIfNameTooLong"/>); nothing is written.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);

        string target = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(target)
            ?? throw new ArgumentException($"'{path}' names no file inside a folder", nameof(path));
        ThrowIfNameTooLong(target);
        Directory.CreateDirectory(folder);

        // Same folder as the target: a rename across file systems would be a copy, not atomic.
        string temp = TempPath(target);
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
