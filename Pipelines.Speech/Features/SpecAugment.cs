using Rnn.Core;

namespace Pipelines.Speech.Features;

/// <summary>
/// SpecAugment masking for training (Park et al., 2019, "SpecAugment: A Simple Data
/// Augmentation Method for Automatic Speech Recognition"): a few frequency bands of random
/// width [0, F] and time spans of random width [0, min(T, p * frames)] are set to
/// <see cref="MaskValue"/>. Time warping is not done. Draws come from a seeded
/// <see cref="Rng"/>, so a run is reproducible.
/// </summary>
public sealed record SpecAugment
{
    /// <summary>Number of frequency masks.</summary>
    public int FrequencyMasks { get; init; } = 2;

    /// <summary>Widest frequency mask, in features (F).</summary>
    public int MaxFrequencyWidth { get; init; } = 15;

    /// <summary>Number of time masks.</summary>
    public int TimeMasks { get; init; } = 2;

    /// <summary>Widest time mask, in frames (T).</summary>
    public int MaxTimeWidth { get; init; } = 40;

    /// <summary>Largest fraction of the utterance one time mask may cover (p).</summary>
    public double MaxTimeFraction { get; init; } = 0.2;

    /// <summary>Value written into masked cells; 0 is the mean after normalisation.</summary>
    public float MaskValue { get; init; }

    /// <summary>
    /// Largest frequency warp: when positive, the feature axis of each utterance is stretched by a
    /// factor drawn from [1 - w, 1 + w] before masking, a feature-domain form of vocal tract length
    /// perturbation (Jaitly and Hinton 2013, "Vocal Tract Length Perturbation improves speech
    /// recognition"). 0 (the default) turns it off and draws nothing.
    /// </summary>
    public double MaxWarp { get; init; }

    /// <summary>Returns a masked copy of <paramref name="m"/>; <paramref name="m"/> is unchanged.</summary>
    public FeatureMatrix Apply(FeatureMatrix m, Rng rng)
    {
        FeatureMatrix result = MaxWarp > 0 ? Warp(m, 1 + MaxWarp * (2 * rng.NextDouble() - 1)) : m.Clone();
        for (int i = 0; i < FrequencyMasks; i++)
        {
            int width = rng.NextInt(Math.Min(MaxFrequencyWidth, m.Features) + 1);
            int start = rng.NextInt(m.Features - width + 1);
            for (int t = 0; t < m.Frames; t++) result.Row(t).Slice(start, width).Fill(MaskValue);
        }

        int maxTime = Math.Min(MaxTimeWidth, (int)(MaxTimeFraction * m.Frames));
        for (int i = 0; i < TimeMasks && m.Frames > 0; i++)
        {
            int width = rng.NextInt(Math.Max(0, maxTime) + 1);
            int start = rng.NextInt(m.Frames - width + 1);
            result.Data.AsSpan(start * m.Features, width * m.Features).Fill(MaskValue);
        }
        return result;
    }

    // Band f of the result reads band f / alpha of the input (linear interpolation, edges held):
    // alpha > 1 moves formants up, as a shorter vocal tract does.
    private static FeatureMatrix Warp(FeatureMatrix m, double alpha)
    {
        var data = new float[m.Frames * m.Features];   // [time, features]
        for (int t = 0; t < m.Frames; t++)
        {
            ReadOnlySpan<float> row = m.Row(t);
            Span<float> target = data.AsSpan(t * m.Features, m.Features);
            for (int f = 0; f < m.Features; f++)
            {
                double at = Math.Min(f / alpha, m.Features - 1);
                int low = (int)at;
                int high = Math.Min(low + 1, m.Features - 1);
                float frac = (float)(at - low);
                target[f] = row[low] + frac * (row[high] - row[low]);
            }
        }

        return new FeatureMatrix(m.Frames, m.Features, data);
    }
}
