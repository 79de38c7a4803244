using Multimodal.Cli.Models;

namespace Multimodal.Cli.Tests.Support;

/// <summary>The bundled speech model and real FSDD clips for the speech verbs' tests.</summary>
internal static class SpeechFiles
{
    /// <summary>The repository root (holding Multimodal.sln) above the test directory.</summary>
    public static string RepositoryRoot =>
        ModelsFolder.RepositoryRoot(TestContext.CurrentContext.TestDirectory)
        ?? throw new InconclusiveException("no Multimodal.sln above the test directory");

    /// <summary>models/speech-digits of this checkout.</summary>
    public static string Model
    {
        get
        {
            var dir = Path.Combine(RepositoryRoot, "models", "speech-digits");
            return Directory.Exists(dir) ? dir : throw new InconclusiveException($"{dir} not found");
        }
    }

    /// <summary>
    /// Copies FSDD clip <paramref name="clip"/> (e.g. "4_george_0") to <paramref name="folder"/> as
    /// <paramref name="name"/>.wav. The clips are shared data (CC BY-SA 4.0), never committed; the
    /// test is inconclusive where they are missing.
    /// </summary>
    public static string CopyClip(string clip, string folder, string? name = null)
    {
        var source = new[] { Path.Combine(RepositoryRoot, "..", "shared", "data"), "/work/shared/data" }
            .Select(root => Path.Combine(root, "fsdd", clip + ".wav"))
            .FirstOrDefault(File.Exists)
            ?? throw new InconclusiveException($"FSDD clip {clip}.wav not found in shared/data/fsdd");
        var target = Path.Combine(folder, (name ?? clip) + ".wav");
        File.Copy(source, target, overwrite: true);
        // The copy keeps the source's mode; shared data may be read-only, and tests rewrite copies.
        File.SetAttributes(target, File.GetAttributes(target) & ~FileAttributes.ReadOnly);
        return target;
    }
}
