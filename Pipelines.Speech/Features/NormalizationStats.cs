using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipelines.Speech.Features;

/// <summary>
/// Per-feature mean and standard deviation over a training set (global CMVN). Accumulate
/// utterances with <see cref="Accumulator"/>, save the result with the model as JSON, and apply
/// it to every utterance at training and inference time.
/// </summary>
public sealed class NormalizationStats
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Creates stats from per-feature means and standard deviations (validated).</summary>
    /// <param name="mean">Mean of each feature.</param>
    /// <param name="std">Standard deviation of each feature, positive.</param>
    /// <param name="frames">How many frames the stats were measured on.</param>
    [JsonConstructor]
    public NormalizationStats(float[] mean, float[] std, long frames)
    {
        if (mean.Length == 0 || mean.Length != std.Length)
            throw new ArgumentException(
                $"mean has {mean.Length} values and std {std.Length}; they must match and be non-empty");
        for (int f = 0; f < std.Length; f++)
            if (!float.IsFinite(mean[f]) || !(std[f] > 0) || !float.IsFinite(std[f]))
                throw new ArgumentException(
                    $"feature {f}: mean {mean[f]}, std {std[f]}; need finite values and std > 0");
        Mean = mean;
        Std = std;
        Frames = frames;
    }

    /// <summary>Mean of each feature.</summary>
    public float[] Mean { get; }

    /// <summary>Standard deviation of each feature.</summary>
    public float[] Std { get; }

    /// <summary>Frames the stats were measured on.</summary>
    public long Frames { get; }

    /// <summary>Returns <c>(x - mean) / std</c> per feature, as a new matrix.</summary>
    public FeatureMatrix Apply(FeatureMatrix m)
    {
        if (m.Features != Mean.Length)
            throw new ArgumentException(
                $"features have {m.Features} values per frame; the stats were made for {Mean.Length}");
        FeatureMatrix result = m.Clone();
        for (int t = 0; t < m.Frames; t++)
        {
            Span<float> row = result.Row(t);
            for (int f = 0; f < row.Length; f++) row[f] = (row[f] - Mean[f]) / Std[f];
        }
        return result;
    }

    /// <summary>The stats as JSON: <c>{"mean": [...], "std": [...], "frames": n}</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(new Dto(Mean, Std, Frames), Json);

    /// <summary>Reads stats written by <see cref="ToJson"/>; throws <see cref="FormatException"/>
    /// naming the problem when the text is not valid stats.</summary>
    public static NormalizationStats FromJson(string json)
    {
        Dto? dto;
        try { dto = JsonSerializer.Deserialize<Dto>(json, Json); }
        catch (JsonException e)
        {
            throw new FormatException($"normalisation stats are not valid JSON: {e.Message}", e);
        }
        if (dto?.Mean is null || dto.Std is null)
            throw new FormatException("normalisation stats need 'mean' and 'std' arrays");
        try { return new NormalizationStats(dto.Mean, dto.Std, dto.Frames); }
        catch (ArgumentException e) { throw new FormatException($"normalisation stats are invalid: {e.Message}", e); }
    }

    private sealed record Dto(
        [property: JsonPropertyName("mean")] float[]? Mean,
        [property: JsonPropertyName("std")] float[]? Std,
        [property: JsonPropertyName("frames")] long Frames);

    /// <summary>Sums features over many utterances in double precision (sum and sum of squares
    /// per feature; the values are log energies of moderate size, so this is exact enough).</summary>
    public sealed class Accumulator
    {
        private readonly double[] sum, sumSq;
        private long frames;

        /// <summary>An empty accumulator for <paramref name="features"/> values per frame.</summary>
        public Accumulator(int features)
        {
            sum = new double[features];
            sumSq = new double[features];
        }

        /// <summary>Adds every frame of <paramref name="m"/>.</summary>
        public void Add(FeatureMatrix m)
        {
            if (m.Features != sum.Length)
                throw new ArgumentException($"features have {m.Features} values per frame, expected {sum.Length}");
            for (int t = 0; t < m.Frames; t++)
            {
                ReadOnlySpan<float> row = m.Row(t);
                for (int f = 0; f < row.Length; f++)
                {
                    sum[f] += row[f];
                    sumSq[f] += (double)row[f] * row[f];
                }
            }
            frames += m.Frames;
        }

        /// <summary>Adds the frames another accumulator of the same width has summed.</summary>
        public void Merge(Accumulator other)
        {
            ArgumentNullException.ThrowIfNull(other);
            if (other.sum.Length != sum.Length)
                throw new ArgumentException($"accumulators of {other.sum.Length} and {sum.Length} features");
            for (int f = 0; f < sum.Length; f++)
            {
                sum[f] += other.sum[f];
                sumSq[f] += other.sumSq[f];
            }
            frames += other.frames;
        }

        /// <summary>The stats so far; a feature whose variance is below <paramref name="minStd"/>
        /// squared gets <paramref name="minStd"/>, so constant features do not divide by zero.</summary>
        public NormalizationStats Finish(float minStd = 1e-5f)
        {
            if (frames == 0) throw new InvalidOperationException("no frames were added");
            var mean = new float[sum.Length];
            var std = new float[sum.Length];
            for (int f = 0; f < sum.Length; f++)
            {
                double mu = sum[f] / frames, variance = Math.Max(0, sumSq[f] / frames - mu * mu);
                mean[f] = (float)mu;
                std[f] = (float)Math.Max(minStd, Math.Sqrt(variance));
            }
            return new NormalizationStats(mean, std, frames);
        }
    }
}
