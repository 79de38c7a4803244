using System.Runtime.InteropServices;

namespace Rnn.Core.Serialization;

/// <summary>
/// Whether a path that exists names a regular file. Opening a named pipe with no writer waits for
/// ever (and one with a writer cannot seek, which every decoder here does); a device or a socket
/// is no data file either. Every reader of this project's pipelines asks before it opens a file.
/// </summary>
public static class FileKind
{
    /// <summary>
    /// Why <paramref name="path"/> cannot be read as a file: a named pipe, a device or a socket;
    /// null for a regular file, a path that does not exist, and wherever the kind cannot be told
    /// (it is asked of the C library's stat, on Linux x64 and Arm64 only).
    /// </summary>
    public static string? NotRegular(string path) => UnixFileType(path) switch
    {
        0x1000 => "a named pipe, not a file: inputs are read from files (save the stream to one first)",
        0x2000 or 0x6000 => "a device, not a file",
        0xC000 => "a socket, not a file",
        _ => null,
    };

    /// <summary>Throws, naming <paramref name="source"/>, when <paramref name="path"/> is no regular file.</summary>
    /// <exception cref="InvalidDataException">A named pipe, a device or a socket.</exception>
    public static void RequireRegular(string path, string source)
    {
        if (NotRegular(path) is { } kind)
        {
            throw new InvalidDataException($"{source}: {kind}");
        }
    }

    /// <summary>
    /// The text of a small file (a config, a model card), refused without reading when it is no
    /// regular file or over <paramref name="maxBytes"/>: a config linked to /dev/zero or grown to
    /// hundreds of megabytes would otherwise be read whole into memory.
    /// </summary>
    /// <exception cref="InvalidDataException">No regular file, or too large.</exception>
    public static string ReadSmallText(string path, long maxBytes, string source)
    {
        RequireRegular(path, source);
        long length = new FileInfo(path).Length;
        if (length > maxBytes)
        {
            throw new InvalidDataException($"{source}: {length} bytes; a file of this kind holds at most {maxBytes}");
        }

        return File.ReadAllText(path);
    }

    /// <summary>
    /// For a path that cannot be found: the nearest folder above it that exists but may not be
    /// looked into (permission denied), which hides whether the path is there; else null. The
    /// system answers "no such file" for a file inside such a folder, which sends a user looking
    /// for a typo instead of at the folder's permissions.
    /// </summary>
    public static string? DeniedFolder(string path)
    {
        if (path.Length == 0 || path.Contains('\0'))
        {
            return null;   // no full path to walk up from
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        while (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
        {
            dir = Path.GetDirectoryName(dir);
        }

        if (string.IsNullOrEmpty(dir))
        {
            return null;
        }

        try
        {
            using var entries = Directory.EnumerateFileSystemEntries(dir).GetEnumerator();
            entries.MoveNext();
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return dir;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// The longest path, in UTF-8 bytes, that Linux takes in one system call (PATH_MAX, 4096, less
    /// its closing NUL).
    /// </summary>
    public const int MaxPathBytes = 4095;

    /// <summary>
    /// Why <paramref name="path"/> cannot be looked up for its length alone: one of its names is
    /// over <see cref="AtomicFile.MaxNameBytes"/>, or the path in full is over
    /// <see cref="MaxPathBytes"/>; else null. .NET makes every path full before it asks the system,
    /// so a relative path that is short as given can still be too long. The answer .NET gives,
    /// "file not found", sends the user looking for a typo in a path that may well exist.
    /// </summary>
    public static string? PathTooLong(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Split('/').Any(name => System.Text.Encoding.UTF8.GetByteCount(name) > AtomicFile.MaxNameBytes))
        {
            return $"a name in the path is too long (at most {AtomicFile.MaxNameBytes} bytes a name)";
        }

        return FullPathTooLong(path);
    }

    /// <summary>
    /// Why <paramref name="path"/>, made full as .NET makes it, is too long for the system: "the path
    /// is too long: N bytes in full, the system takes at most 4095"; else null.
    /// </summary>
    public static string? FullPathTooLong(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path.Contains('\0'))
        {
            return null;
        }

        int bytes = System.Text.Encoding.UTF8.GetByteCount(Path.GetFullPath(path));
        return bytes > MaxPathBytes
            ? $"the path is too long: {bytes} bytes in full, the system takes at most {MaxPathBytes}"
            : null;
    }

    /// <summary>
    /// A symbolic link that cannot be followed: its target as written, and whether it leads back
    /// to itself (ELOOP) rather than to nothing. Null for a path that is no link, a link that can
    /// be followed, or one that cannot be looked at. File.Exists is true for such a link on Unix,
    /// so it passes for a file until a reader fails to open it in .NET's words.
    /// </summary>
    public static (string Target, bool Loops)? BrokenLink(string path)
    {
        try
        {
            var link = new FileInfo(path);
            if (link.LinkTarget is not { } target)
            {
                return null;
            }

            try
            {
                return link.ResolveLinkTarget(returnFinalTarget: true) is { Exists: true } ? null : (target, false);
            }
            catch (IOException)
            {
                return (target, true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    // The S_IFMT bits of stat's st_mode, or null when they cannot be had.
    private static int? UnixFileType(string path)
    {
        int modeOffset = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 24,
            Architecture.Arm64 => 16,
            _ => -1,
        };
        if (!OperatingSystem.IsLinux() || modeOffset < 0 || path.Length == 0 || path.Contains('\0'))
        {
            return null;
        }

        var buffer = new byte[256];   // struct stat is 144 bytes on x64, 128 on Arm64
        try
        {
            return Stat(path, buffer) == 0 ? BitConverter.ToInt32(buffer, modeOffset) & 0xF000 : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;   // a C library without a plain stat symbol (glibc before 2.33)
        }
    }

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);
}
