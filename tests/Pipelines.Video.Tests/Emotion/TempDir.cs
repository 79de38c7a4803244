namespace Pipelines.Video.Tests.Emotion;

/// <summary>A fresh folder under the temp directory, deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } =
        System.IO.Path.Combine(
            System.IO.Path.GetTempPath(), $"emotion-test-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public string Sub(string name)
    {
        string p = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(p);
        return p;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, true);
        }
    }
}
