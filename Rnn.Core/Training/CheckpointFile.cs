using Rnn.Core.Serialization;

namespace Rnn.Core.Training;

/// <summary>
/// The on-disk container of a training checkpoint: named float32 tensors with shapes, plus
/// string metadata. This is the one class that knows the file format, so it can change
/// without touching the trainer.
/// </summary>
/// <remarks>
/// The file is safetensors (F32, so weights and moments round-trip bit for bit), with the
/// metadata in its "__metadata__" map, written atomically through <see cref="AtomicFile"/>;
/// other tools can open a checkpoint and read the weights.
/// </remarks>
public sealed class CheckpointFile
{
    private readonly List<(string Name, int[] Shape, float[] Values)> tensors = new();
    private readonly HashSet<string> names = new(StringComparer.Ordinal);

    /// <summary>Free-form string pairs (step, epoch, RNG states...).</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>The tensors in the order they were added or read.</summary>
    public IReadOnlyList<(string Name, int[] Shape, float[] Values)> Tensors => tensors;

    /// <summary>Adds a tensor (the values are not copied).</summary>
    public void Add(string name, int[] shape, float[] values)
    {
        if (Rnn.Core.Shape.Size(shape) != values.Length)
        {
            throw new ArgumentException(
                $"checkpoint tensor '{name}': shape {Rnn.Core.Shape.Format(shape)} but {values.Length} values");
        }

        if (!names.Add(name))
        {
            throw new ArgumentException($"checkpoint already has a tensor named '{name}'");
        }

        tensors.Add((name, shape, values));
    }

    /// <summary>Writes the file atomically (the folder is created when missing).</summary>
    public void Save(string path)
    {
        var writer = new SafeTensorsWriter();
        foreach (var (key, value) in Metadata)
        {
            writer.Metadata[key] = value;
        }

        foreach (var (name, shape, values) in tensors)
        {
            writer.Add(name, shape, values, SafeTensorDType.F32);
        }

        writer.Save(path);
    }

    /// <summary>Reads and validates a file written by <see cref="Save"/>.</summary>
    public static CheckpointFile Load(string path)
    {
        var st = SafeTensors.Load(path);
        var file = new CheckpointFile();
        foreach (var (key, value) in st.Metadata)
        {
            file.Metadata[key] = value;
        }

        foreach (var info in st.Tensors)
        {
            file.Add(info.Name, info.Shape, st.ReadFloats(info.Name));
        }

        return file;
    }
}
