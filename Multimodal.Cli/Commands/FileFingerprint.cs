using Rnn.Core.Serialization;

namespace Multimodal.Cli.Commands;

/// <summary>
/// A short hash of a file's bytes, recorded in training checkpoints to tell whether a data file
/// changed between a run and its resume.
/// </summary>
internal static class FileFingerprint
{
    /// <summary>
    /// "sha256:" and the first 12 hex digits of the file's SHA-256; "unreadable" when it cannot be read
    /// or is no regular file.
    /// </summary>
    public static string Of(string path)
    {
        if (FileKind.NotRegular(path) is not null)
        {
            // A named pipe with no writer would block the read for ever, before training's own
            // reader could refuse it with a reason.
            return "unreadable";
        }

        try
        {
            return "sha256:" + Convert.ToHexStringLower(
                System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)))[..12];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unreadable";   // reading the file for training reports why, with its name
        }
    }

    /// <summary>
    /// "listing:" and the first 12 hex digits of the SHA-256 of a folder's file list: every file under
    /// it by relative path and size, in ordinal order (the bytes are not read: a data folder holds
    /// tens of thousands of images). Another folder, or files added, removed or resized, give another
    /// fingerprint; "unreadable" when the folder cannot be listed.
    /// </summary>
    public static string OfFolder(string folder)
    {
        try
        {
            var lines = new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories)
                .Select(f => $"{Path.GetRelativePath(folder, f.FullName)}\t{f.Length}")
                .Order(StringComparer.Ordinal);
            byte[] text = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines));
            return "listing:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(text))[..12];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unreadable";   // reading the folder for training reports why, with its name
        }
    }
}
