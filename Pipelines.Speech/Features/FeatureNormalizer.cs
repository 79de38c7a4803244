namespace Pipelines.Speech.Features;

/// <summary>How features are normalised before the model.</summary>
public enum NormalizationMode
{
    /// <summary>Features are used as computed.</summary>
    None,

    /// <summary>Each utterance is shifted and scaled by its own per-feature mean and std.</summary>
    PerUtterance,

    /// <summary>Fixed training-set stats (<see cref="NormalizationStats"/>) are applied.</summary>
    Global,
}

/// <summary>Applies a <see cref="NormalizationMode"/>.</summary>
public static class FeatureNormalizer
{
    /// <summary>Per-utterance mean/variance normalisation: each feature of the result has mean
    /// 0 and std 1 over the utterance (std floored at <paramref name="minStd"/>).</summary>
    public static FeatureMatrix PerUtterance(FeatureMatrix m, float minStd = 1e-5f)
    {
        if (m.Frames == 0) return m.Clone();
        var acc = new NormalizationStats.Accumulator(m.Features);
        acc.Add(m);
        return acc.Finish(minStd).Apply(m);
    }

    /// <summary>Normalises <paramref name="m"/> by <paramref name="mode"/>.</summary>
    /// <param name="m">Features of one utterance.</param>
    /// <param name="mode">Which normalisation.</param>
    /// <param name="stats">Required for <see cref="NormalizationMode.Global"/>.</param>
    public static FeatureMatrix Normalize(FeatureMatrix m, NormalizationMode mode, NormalizationStats? stats = null) =>
        mode switch
        {
            NormalizationMode.None => m.Clone(),
            NormalizationMode.PerUtterance => PerUtterance(m),
            _ => (stats ?? throw new ArgumentNullException(nameof(stats), "global normalisation needs stats")).Apply(m),
        };
}
