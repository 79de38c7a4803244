using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Multimodal.Cli.Hosting;

namespace Multimodal.Cli.Batch;

/// <summary>
/// An exclusive hold on an output that a run rewrites whole (a captions file, a gallery, later a
/// training --out folder), so that two runs writing it at once do not lose each other's results
/// (each rewrote the whole file; the last writer won, without a word). The hold is
/// <c>.NAME.lock</c> beside the output, opened with <see cref="FileShare.None"/>: on Linux and
/// macOS .NET takes an flock on it, on Windows a sharing mode; either ends with the process, so a
/// killed run's lock file is found unheld and taken over. It holds the holder's process id, for
/// the message a second run gives. Dispose to release it; the file is deleted then.
/// </summary>
/// <example>
/// <code>
/// using var hold = OutputLock.Acquire("captions.jsonl", "caption run");
/// // read, then rewrite captions.jsonl
/// </code>
/// </example>
public sealed class OutputLock : IDisposable
{
    private const int MaxNameBytes = 255;   // NAME_MAX of Linux file systems, and Windows' 255 characters

    private readonly FileStream stream;
    private readonly string path;

    private OutputLock(FileStream stream, string path)
    {
        this.stream = stream;
        this.path = path;
    }

    /// <summary>
    /// The lock file of <paramref name="output"/>: <c>.NAME.lock</c> in its folder, after following
    /// links, so that a link to an output in use finds the same lock as the output's own path.
    /// </summary>
    public static string PathFor(string output)
    {
        string trimmed = output.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        string full = Path.GetFullPath(trimmed.Length == 0 ? output : InputPaths.Canonical(trimmed));
        return Path.Combine(Path.GetDirectoryName(full) ?? full, LockName(Path.GetFileName(full)));
    }

    // ".NAME.lock", or for a name within 6 bytes of the file system's 255-byte limit (which an
    // output may use) its start and a hash of the whole: ".NAME-START-1a2b3c4d.lock".
    private static string LockName(string name)
    {
        string plain = $".{name}.lock";
        if (Encoding.UTF8.GetByteCount(plain) <= MaxNameBytes)
        {
            return plain;
        }

        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0, 4);
        string start = name;
        while (Encoding.UTF8.GetByteCount($".{start}-{hash}.lock") > MaxNameBytes)
        {
            start = start[..^(char.IsLowSurrogate(start[^1]) ? 2 : 1)];
        }

        return $".{start}-{hash}.lock";
    }

    /// <summary>Takes the hold on <paramref name="output"/>, whose folder must exist.</summary>
    /// <param name="output">The file or folder given on the command line.</param>
    /// <param name="holder">What holds it, for the message, e.g. "caption run".</param>
    /// <exception cref="CliException">Another process holds it ("in use by another caption run (pid N)"),
    /// or the lock file cannot be made there.</exception>
    public static OutputLock Acquire(string output, string holder)
    {
        string path = PathFor(output);
        // The holder deletes the file while it still holds it; a run that opened the file just before
        // then holds a deleted file, so it tries again on the name.
        for (int attempt = 0; ; attempt++)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
            }
            catch (IOException e) when (e.GetType() == typeof(IOException) && File.Exists(path))
            {
                string pid = HolderPid(path) is { } id ? $" (pid {id})" : "";
                throw new CliException(output, $"in use by another {holder}{pid}; wait for it to end, or write "
                    + $"elsewhere (the hold is {Path.GetFileName(path)}, released when that run ends)");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException(output, $"cannot make its lock file {Path.GetFileName(path)}: {e.Message}");
            }

            if (!File.Exists(path) && attempt < 3)
            {
                stream.Dispose();
                continue;
            }

            stream.SetLength(0);
            stream.Write(Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"));
            stream.Flush();
            return new OutputLock(stream, path);
        }
    }

    /// <summary>Releases the hold and deletes the lock file.</summary>
    public void Dispose()
    {
        // On Unix the name is removed while still held, so no other run's fresh lock file is deleted;
        // Windows refuses to delete a file open without FileShare.Delete, and refuses it after the
        // close too while another run holds it.
        if (!OperatingSystem.IsWindows())
        {
            TryDelete();
        }

        stream.Dispose();
        if (OperatingSystem.IsWindows())
        {
            TryDelete();
        }
    }

    private void TryDelete()
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a lock file left behind is taken over by the next run; the run's outcome stands
        }
    }

    // The process id the holder wrote. .NET cannot open a file another process holds with
    // FileShare.None, even to read, so on Unix it is read through the C library (open, read);
    // null where that cannot be done (Windows, or the holder has not written it yet).
    private static int? HolderPid(string path)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) || path.Contains('\0'))
        {
            return null;
        }

        try
        {
            int fd = Open(path, 0);   // O_RDONLY
            if (fd < 0)
            {
                return null;
            }

            var buffer = new byte[32];
            nint read = Read(fd, buffer, buffer.Length);
            Close(fd);
            string text = read > 0 ? Encoding.ASCII.GetString(buffer, 0, (int)read).Trim() : "";
            return int.TryParse(text, out int pid) && pid > 0 ? pid : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    private static extern nint Read(int fd, byte[] buffer, nint count);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
