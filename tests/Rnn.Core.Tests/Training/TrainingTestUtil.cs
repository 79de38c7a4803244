using Rnn.Core.Nn;

namespace Rnn.Core.Tests.Training;

/// <summary>Collects progress reports synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
internal sealed class ListProgress<T> : IProgress<T>
{
    private readonly Action<T>? onReport;

    public ListProgress(Action<T>? onReport = null) => this.onReport = onReport;

    public List<T> Items { get; } = new();

    public void Report(T value)
    {
        Items.Add(value);
        onReport?.Invoke(value);
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(
        System.IO.Path.GetTempPath(), "rnn-training-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

internal static class TrainingTestUtil
{
    /// <summary>Every parameter's values, in path order, for bit-exact comparisons.</summary>
    public static float[][] Weights(Module m) => m.NamedParameters().Select(p => p.Parameter.Value.ToArray()).ToArray();
}
