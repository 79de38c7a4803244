using Pipelines.Speech.Features;
using Pipelines.Speech.Model;
using Rnn.Core;
using Rnn.Core.Training;

namespace Pipelines.Speech.Training;

/// <summary>
/// Batches of utterances of similar length, so little of each batch is padding. Each epoch the
/// examples are shuffled, cut into windows of <c>WindowBatches</c> batches, sorted by length
/// inside each window, chunked into batches, and the batch order is shuffled. With a
/// <see cref="SpecAugment"/>, each batch's features are masked by a generator seeded from
/// (seed, epoch, index), so the same position always gives the same batch (what resume needs).
/// With a <see cref="VocalTractPerturbation"/>, each example's features are first remade from its
/// warped log-mel bands (DCT and normalisation as the model's <see cref="AcousticFeatures"/> say),
/// with draws from the same generator.
/// </summary>
public sealed class BucketedBatchSource : IBatchSource<SpeechBatch>
{
    private const int WindowBatches = 16;
    private readonly IReadOnlyList<SpeechExample> examples;
    private readonly int batchSize;
    private readonly ulong seed;
    private readonly SpecAugment? augment;
    private readonly VocalTractPerturbation? vtlp;
    private readonly AcousticFeatures? features;
    private readonly LogMelSpectrogram? cepstra;
    private readonly object gate = new();
    private int plannedEpoch = -1;
    private int[][] plan = Array.Empty<int[]>();

    /// <summary>Creates the source.</summary>
    /// <param name="examples">Training utterances (at least one).</param>
    /// <param name="batchSize">Utterances per batch; the last batch of an epoch may be smaller.</param>
    /// <param name="seed">Seeds the order and the masks.</param>
    /// <param name="augment">SpecAugment masks applied to every batch, or null.</param>
    /// <param name="vtlp">Band warp applied to every example before the masks, or null.</param>
    /// <param name="features">How warped bands become model features; required with <paramref name="vtlp"/>.</param>
    public BucketedBatchSource(
        IReadOnlyList<SpeechExample> examples, int batchSize, ulong seed, SpecAugment? augment = null,
        VocalTractPerturbation? vtlp = null, AcousticFeatures? features = null)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0)
        {
            throw new ArgumentException("no training examples");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        this.examples = examples;
        this.batchSize = batchSize;
        this.seed = seed;
        this.augment = augment;
        if (vtlp is not null)
        {
            CheckBands(examples, features);
            this.vtlp = vtlp;
            this.features = features;
            cepstra = features!.CreateExtractor();
        }

        BatchesPerEpoch = (examples.Count + batchSize - 1) / batchSize;
    }

    /// <inheritdoc />
    public int BatchesPerEpoch { get; }

    /// <summary>The example indices of batch <paramref name="index"/> of <paramref name="epoch"/>.</summary>
    public IReadOnlyList<int> Indices(int epoch, int index)
    {
        lock (gate)
        {
            if (plannedEpoch != epoch)
            {
                plan = Plan(epoch);
                plannedEpoch = epoch;
            }

            return plan[index];
        }
    }

    /// <inheritdoc />
    public SpeechBatch GetBatch(int epoch, int index)
    {
        var picked = Indices(epoch, index).Select(i => examples[i]).ToList();
        if (augment is not null || vtlp is not null)
        {
            var rng = new Rng(Mix(seed, (ulong)epoch, (ulong)index));
            picked = picked.Select(e => e with { Features = Augment(e, rng) }).ToList();
        }

        return SpeechBatch.From(picked);
    }

    // Warp, then mask, drawing from one generator in example order (so a batch repeats exactly).
    private FeatureMatrix Augment(SpeechExample example, Rng rng)
    {
        var result = example.Features;
        if (vtlp is not null)
        {
            var warped = vtlp.Apply(example.Bands!, cepstra!.Options, rng);
            result = features!.FromBands(cepstra, warped);
        }

        return augment is null ? result : augment.Apply(result, rng);
    }

    private static void CheckBands(IReadOnlyList<SpeechExample> examples, AcousticFeatures? features)
    {
        if (features is null)
        {
            throw new ArgumentException("vocal tract length perturbation needs the model's feature settings");
        }

        for (int i = 0; i < examples.Count; i++)
        {
            var (bands, own) = (examples[i].Bands, examples[i].Features);
            if (bands is null || bands.Frames != own.Frames || bands.Features != features.MelBands)
            {
                string has = bands is null ? "no log-mel bands" : $"bands [{bands.Frames}, {bands.Features}]";
                throw new ArgumentException(
                    $"training example {i} has {has} for its [{own.Frames}, {own.Features}] features; vocal " +
                    $"tract length perturbation needs [frames, {features.MelBands}] bands on every example " +
                    "(keep them when featurizing)");
            }
        }
    }

    private int[][] Plan(int epoch)
    {
        var rng = new Rng(Mix(seed, (ulong)epoch, ulong.MaxValue));
        var order = Enumerable.Range(0, examples.Count).ToArray();
        rng.Shuffle(order.AsSpan());
        int window = batchSize * WindowBatches;
        var batches = new List<int[]>();
        for (int w = 0; w < order.Length; w += window)
        {
            var sorted = order.Skip(w).Take(window).OrderBy(i => examples[i].Features.Frames).ToArray();
            for (int b = 0; b < sorted.Length; b += batchSize)
            {
                batches.Add(sorted.Skip(b).Take(batchSize).ToArray());
            }
        }

        // Window-wise chunking can leave more partial batches than the fixed count; merge the tail.
        while (batches.Count > BatchesPerEpoch)
        {
            var last = batches[^1];
            batches.RemoveAt(batches.Count - 1);
            batches[^1] = batches[^1].Concat(last).ToArray();
        }

        var result = batches.ToArray();
        rng.Shuffle(result.AsSpan());
        return result;
    }

    // SplitMix64-style mixing so nearby (epoch, index) pairs give unrelated seeds.
    private static ulong Mix(ulong a, ulong b, ulong c)
    {
        ulong z = a ^ (b * 0x9E3779B97F4A7C15UL) ^ (c * 0xC2B2AE3D27D4EB4FUL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
