using Rnn.Core;

namespace Pipelines.Speech.Features;

/// <summary>
/// Frame-level features of one utterance, row-major <c>[time, features]</c>: row t is the
/// feature vector of frame t (log-mel energies or MFCCs).
/// </summary>
public sealed class FeatureMatrix
{
    /// <summary>Wraps <paramref name="data"/> (not copied) as <c>[frames, features]</c>.</summary>
    /// <param name="frames">Number of frames (time steps).</param>
    /// <param name="features">Values per frame.</param>
    /// <param name="data">Row-major values, <paramref name="frames"/> x <paramref name="features"/>.</param>
    public FeatureMatrix(int frames, int features, float[] data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (data.Length != frames * features)
            throw new ArgumentException($"data has {data.Length} values, expected {frames} x {features}", nameof(data));
        Frames = frames;
        Features = features;
        Data = data;
    }

    /// <summary>Number of frames (time steps).</summary>
    public int Frames { get; }

    /// <summary>Values per frame.</summary>
    public int Features { get; }

    /// <summary>The values, row-major <c>[time, features]</c>.</summary>
    public float[] Data { get; }

    /// <summary>Value of feature <paramref name="f"/> at frame <paramref name="t"/>.</summary>
    public float this[int t, int f]
    {
        get => Data[t * Features + f];
        set => Data[t * Features + f] = value;
    }

    /// <summary>The feature vector of frame <paramref name="t"/>.</summary>
    public Span<float> Row(int t) => Data.AsSpan(t * Features, Features);

    /// <summary>A deep copy.</summary>
    public FeatureMatrix Clone() => new(Frames, Features, (float[])Data.Clone());

    /// <summary>A tensor on the default backend holding a copy.</summary>
    public Tensor ToTensor() => Tensor.FromArray((float[])Data.Clone(), Frames, Features); // [time, features]
}
