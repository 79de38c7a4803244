namespace Multimodal.Cli.Output;

/// <summary>
/// Writes a result file so that readers see either the old file or the complete new one, never
/// a half-written file: write a temp file in the same folder, flush it to disk, rename it over
/// the target (a rename within one file system is atomic on Linux and NTFS).
/// </summary>
/// <remarks>
/// Limit: the CLI's own copy until Rnn.Core.Serialization.AtomicFile lands on main; verbs should
/// switch to that one then, and this class should forward to it.
/// </remarks>
public static class AtomicWrite
{
    /// <summary>Writes <paramref name="text"/> as UTF-8 (no BOM) to <paramref name="path"/>.</summary>
    public static void Text(string path, string text) =>
        Stream(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });

    /// <summary>Writes whatever <paramref name="write"/> puts in the stream to <paramref name="path"/>.</summary>
    public static void Stream(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)
            ?? throw new ArgumentException($"no folder in output path '{path}'", nameof(path));
        Directory.CreateDirectory(folder);

        // Same folder as the target so the rename never crosses file systems; the dot-prefix and
        // random part keep batch jobs writing neighbouring files from colliding.
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original error matters more than a leftover temp file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
