using Multimodal.Cli.Hosting;
using Multimodal.Cli.Output;
using Rnn.Core.Serialization;

namespace Multimodal.Cli.Batch;

/// <summary>
/// Checks an output folder before a verb starts its work: it is created when missing and must
/// accept a new file. Otherwise every input of a batch would fail one by one with the same raw I/O
/// message (or the first write would end the run with "Could not find file ..."), after the model
/// had loaded and the work was done; a training run would find out at its first checkpoint. Here
/// it is one error line naming the folder, before any input is read.
/// </summary>
public static class OutputFolder
{
    /// <summary>Creates <paramref name="folder"/> if needed and checks that a file can be written in it.</summary>
    /// <param name="folder">The folder given on the command line.</param>
    /// <param name="option">The option that named it, e.g. "--out", for the message.</param>
    /// <exception cref="CliException">The folder cannot be created or written to; the reason says why.</exception>
    public static void Prepare(string folder, string option)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException
            or ArgumentException)
        {
            string why = FileInTheWay(folder) is { } file
                ? $"{TerminalText.Name(file)} is a file, not a folder"
                : e is PathTooLongException && FileKind.FullPathTooLong(folder) is { } tooLong ? tooLong
                : Reason(e);
            throw new CliException(folder, $"{option} folder cannot be created: {why}");
        }

        // The probe is deleted when closed; the process id keeps two runs from meeting on it.
        string probe = Path.Combine(folder, $".multimodal-write-check-{Environment.ProcessId}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1,
                FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(folder, $"{option} folder does not accept new files: {Reason(e)}");
        }
    }

    /// <summary>
    /// Checks an output file before any work: its folder as <see cref="Prepare"/> does, and its
    /// name within the file system's limit (<see cref="AtomicFile.NameTooLong"/>).
    /// </summary>
    /// <param name="file">The file given on the command line.</param>
    /// <param name="option">The option that named it, e.g. "--out", for the message.</param>
    /// <exception cref="CliException">The file cannot be written there; the reason says why.</exception>
    public static void PrepareFile(string file, string option)
    {
        string full = Path.GetFullPath(file);
        if (AtomicFile.NameTooLong(full) is { } tooLong)
        {
            throw new CliException(file, $"{option} {tooLong}");
        }

        string? folder = Path.GetDirectoryName(full);
        if (folder is not null)
        {
            if (FileInTheWay(folder) is { } blocking)
            {
                throw new CliException(file, $"{option} file cannot be written: {TerminalText.Name(blocking)} " +
                    "is a file, not a folder");
            }

            Prepare(folder, option);
        }
    }

    /// <summary>
    /// <see cref="Prepare"/> for a verb that writes into the folder only late (training, video
    /// predict). Dispose the result when the run ends: the folders this call created are removed
    /// again while they are empty, so a run that fails or is interrupted before writing anything
    /// leaves no folder behind, as it did before the up-front check.
    /// </summary>
    /// <param name="folder">The folder given on the command line (or the verb's default).</param>
    /// <param name="option">The option that names it, e.g. "--out", for the message.</param>
    /// <exception cref="CliException">The folder cannot be created or written to; the reason says why.</exception>
    public static IDisposable Reserve(string folder, string option)
    {
        var missing = MissingFolders(folder);
        Prepare(folder, option);
        return new Reservation(missing);
    }

    // .NET's messages repeat the path the error line already names, and for mkdir in /proc say
    // "Could not find file"; say the cause instead.
    private static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "a name in the path is too long (at most 255 bytes a name here)",
        FileNotFoundException or DirectoryNotFoundException =>
            "the system answers 'no such file or directory' (a virtual or read-only file system?)",
        _ => e.Message,
    };

    // The folders that creating this one makes, deepest first.
    private static List<string> MissingFolders(string folder)
    {
        var missing = new List<string>();
        if (folder.Contains('\0', StringComparison.Ordinal))
        {
            return missing;   // Prepare refuses it
        }

        for (string? part = Path.GetFullPath(folder); !string.IsNullOrEmpty(part) && !Directory.Exists(part);
            part = Path.GetDirectoryName(part))
        {
            missing.Add(part);
        }

        return missing;
    }

    // The nearest part of the path that exists as a file, where a folder would have to be.
    private static string? FileInTheWay(string folder)
    {
        if (folder.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        for (string? part = Path.GetFullPath(folder); !string.IsNullOrEmpty(part); part = Path.GetDirectoryName(part))
        {
            if (File.Exists(part))
            {
                return part;
            }
        }

        return null;
    }

    private sealed class Reservation(List<string> created) : IDisposable
    {
        public void Dispose()
        {
            foreach (string folder in created)
            {
                try
                {
                    if (Directory.Exists(folder))
                    {
                        if (Directory.EnumerateFileSystemEntries(folder).Any())
                        {
                            return;   // the run wrote here: keep it and the folders above it
                        }

                        Directory.Delete(folder);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return;   // tidying up must not turn a run's outcome into an I/O error
                }
            }
        }
    }

    /// <summary>
    /// True when an output file of an earlier run is there to skip: a file, or a link to one, that is
    /// not empty. A link to nothing (File.Exists is true for it on Unix) and an empty file (every
    /// output here has content; outputs are written through a temporary file, so an empty one was
    /// not written by this program) are not finished outputs, so they are written again.
    /// </summary>
    public static bool Finished(string path)
    {
        try
        {
            var info = new FileInfo(path);
            // A link's own FileInfo gives the link's size, not its target's.
            var file = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
            return file is { Exists: true, Length: > 0 };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;   // a loop of links, or no permission: writing it says why
        }
    }
}
