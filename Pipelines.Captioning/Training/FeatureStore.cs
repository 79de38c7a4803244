namespace Pipelines.Captioning.Training;

/// <summary>Encoder vectors of a set of images, held in memory, looked up by image name.</summary>
public sealed class FeatureStore
{
    private readonly Dictionary<string, int> rows;
    private readonly float[] data;

    internal FeatureStore(int vectorSize, IReadOnlyList<string> names, float[] data,
        IReadOnlyDictionary<string, string> failures)
    {
        VectorSize = vectorSize;
        this.data = data;
        rows = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            rows[names[i]] = i;
        }

        Failures = failures;
    }

    /// <summary>Floats per image.</summary>
    public int VectorSize { get; }

    /// <summary>Images with a vector.</summary>
    public int Count => rows.Count;

    /// <summary>Images that could not be read, with the reason.</summary>
    public IReadOnlyDictionary<string, string> Failures { get; }

    /// <summary>True when <paramref name="name"/> has a vector.</summary>
    public bool Contains(string name) => rows.ContainsKey(name);

    /// <summary>The row of <paramref name="name"/>.</summary>
    public int Row(string name) => rows.TryGetValue(name, out int row)
        ? row
        : throw new KeyNotFoundException($"image '{name}' has no cached vector");

    /// <summary>The vector of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Vector(int row) => data.AsSpan(row * VectorSize, VectorSize);
}
