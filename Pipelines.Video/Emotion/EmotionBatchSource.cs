using Rnn.Core;
using Rnn.Core.Training;

namespace Pipelines.Video.Emotion;

/// <summary>
/// Batches of augmented face sequences for <see cref="Trainer{TBatch}"/>. Each epoch visits
/// every face once in a seeded shuffled order; each batch draws one sequence length from
/// <see cref="LengthWeights"/> (so a batch is a rectangular tensor) and one augmented clip per
/// face. Batch (epoch, index) is a pure function of the seed, so a resumed run sees the same data.
/// </summary>
public sealed class EmotionBatchSource : IBatchSource<EmotionBatch>
{
    private readonly IReadOnlyList<FaceSample> samples;
    private readonly FaceSequenceAugmenter augmenter;
    private readonly ulong seed;
    private int cachedEpoch = -1;
    private int[] order = Array.Empty<int>();

    /// <summary>Creates the source.</summary>
    /// <param name="samples">Training faces.</param>
    /// <param name="batchSize">Sequences per batch.</param>
    /// <param name="augmenter">Makes the sequences.</param>
    /// <param name="lengthWeights">Relative frequency of lengths 1, 2, 3...; trained mostly on short clips.</param>
    /// <param name="seed">Shuffles and augmentation.</param>
    public EmotionBatchSource(
        IReadOnlyList<FaceSample> samples, int batchSize, FaceSequenceAugmenter augmenter,
        IReadOnlyList<double> lengthWeights, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (samples.Count < batchSize)
        {
            throw new ArgumentException($"{samples.Count} training faces make no batch of {batchSize}");
        }

        if (lengthWeights.Count == 0 || lengthWeights.Any(w => w < 0) || lengthWeights.Sum() <= 0)
        {
            throw new ArgumentException($"length weights must be >= 0 with a positive sum; got " +
                $"[{string.Join(", ", lengthWeights)}]");
        }

        this.samples = samples;
        this.augmenter = augmenter;
        this.seed = seed;
        BatchSize = batchSize;
        LengthWeights = lengthWeights;
        BatchesPerEpoch = samples.Count / batchSize;   // the ragged tail waits for the next epoch's shuffle
    }

    /// <summary>Sequences per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Relative frequency of sequence lengths 1, 2, 3...</summary>
    public IReadOnlyList<double> LengthWeights { get; }

    /// <inheritdoc/>
    public int BatchesPerEpoch { get; }

    /// <inheritdoc/>
    public EmotionBatch GetBatch(int epoch, int index)
    {
        if (epoch != cachedEpoch)
        {
            order = Enumerable.Range(0, samples.Count).ToArray();
            new Rng(Mix(seed, (ulong)epoch, ulong.MaxValue)).Shuffle(order.AsSpan());
            cachedEpoch = epoch;
        }

        var rng = new Rng(Mix(seed, (ulong)epoch, (ulong)index));
        int time = DrawLength(rng);
        int side = augmenter.Side, area = side * side;
        var data = new float[BatchSize * time * area];   // [batch, time, 1, side, side]
        var labels = new int[BatchSize];
        for (int b = 0; b < BatchSize; b++)
        {
            var face = samples[order[index * BatchSize + b]];
            labels[b] = face.Label;
            augmenter.Make(face.Pixels, time, rng, data.AsSpan(b * time * area, time * area));
        }

        return new EmotionBatch(Tensor.FromArray(data, BatchSize, time, 1, side, side), labels);
    }

    private int DrawLength(Rng rng)
    {
        double u = rng.NextDouble() * LengthWeights.Sum();
        for (int i = 0; i < LengthWeights.Count; i++)
        {
            u -= LengthWeights[i];
            if (u < 0)
            {
                return i + 1;
            }
        }

        return LengthWeights.Count;
    }

    // SplitMix64-style mixing so neighbouring (epoch, index) pairs get unrelated streams.
    private static ulong Mix(ulong a, ulong b, ulong c)
    {
        ulong z = a ^ (b * 0x9E3779B97F4A7C15UL) ^ (c * 0xC2B2AE3D27D4EB4FUL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
