namespace Rnn.Core.Optim;

/// <summary>
/// A host copy of an optimizer's state for checkpoints: which optimizer wrote it, its step count
/// and learning rate, and its per-parameter buffers keyed "parameterName.slot"
/// (e.g. "encoder.weight.exp_avg").
/// </summary>
public sealed class OptimizerState
{
    /// <summary>Creates a state record; the dictionary is copied.</summary>
    public OptimizerState(string kind, long stepCount, float learningRate, IReadOnlyDictionary<string, float[]> buffers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        Kind = kind;
        StepCount = stepCount;
        LearningRate = learningRate;
        var copy = new SortedDictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (key, values) in buffers)
        {
            copy[key] = values;
        }

        Buffers = copy;
    }

    /// <summary>The optimizer type that wrote the state ("sgd", "adam", "adamw").</summary>
    public string Kind { get; }

    /// <summary>Number of steps taken.</summary>
    public long StepCount { get; }

    /// <summary>Learning rate at export time.</summary>
    public float LearningRate { get; }

    /// <summary>Per-parameter buffers in ordinal key order.</summary>
    public IReadOnlyDictionary<string, float[]> Buffers { get; }
}
