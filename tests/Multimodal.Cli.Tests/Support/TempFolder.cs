namespace Multimodal.Cli.Tests.Support;

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mm-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>
    /// An empty folder outside any repository, used as the executable's folder by default so the
    /// default models lookup finds nothing unless a test sets one up.
    /// </summary>
    public static string EmptyBase { get; } = CreateEmptyBase();

    public string Path { get; }

    public string Sub(string name)
    {
        var full = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(full);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail a test.
        }
    }

    private static string CreateEmptyBase()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mm-cli-tests", "empty-base");
        Directory.CreateDirectory(path);
        return path;
    }
}
