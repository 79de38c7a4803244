namespace Multimodal.Cli.Commands;

/// <summary>
/// A short hash of a file's bytes, recorded in training checkpoints to tell whether a data file
/// changed between a run and its resume.
/// </summary>
internal static class FileFingerprint
{
    /// <summary>
    /// "sha256:" and the first 12 hex digits of the file's SHA-256; "unreadable" when it cannot be read.
    /// </summary>
    public static string Of(string path)
    {
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
}
