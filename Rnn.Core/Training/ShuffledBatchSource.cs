namespace Rnn.Core.Training;

/// <summary>
/// Batches drawn from a list of samples, reshuffled every epoch with an order that depends only
/// on the seed and the epoch number; a collate function turns a batch's samples into whatever
/// the loss function takes.
/// </summary>
/// <example>
/// <code>
/// var data = new ShuffledBatchSource&lt;(float[] X, int Y), (Tensor X, int[] Y)&gt;(
///     samples, batchSize: 32, seed: 1, collate: batch => (Stack(batch), batch.Select(s => s.Y).ToArray()));
/// </code>
/// </example>
public sealed class ShuffledBatchSource<TSample, TBatch> : IBatchSource<TBatch>
{
    private readonly IReadOnlyList<TSample> samples;
    private readonly Func<IReadOnlyList<TSample>, TBatch> collate;
    private int cachedEpoch = -1;
    private int[] order = Array.Empty<int>();

    /// <summary>Creates the source.</summary>
    /// <param name="samples">All samples of an epoch.</param>
    /// <param name="batchSize">Samples per batch; &gt; 0.</param>
    /// <param name="seed">Seed of the per-epoch shuffles.</param>
    /// <param name="collate">Builds a batch from its samples.</param>
    /// <param name="shuffle">False keeps the list order every epoch.</param>
    /// <param name="dropLast">Drop a final batch smaller than batchSize.</param>
    public ShuffledBatchSource(
        IReadOnlyList<TSample> samples, int batchSize, ulong seed, Func<IReadOnlyList<TSample>, TBatch> collate,
        bool shuffle = true, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(collate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        this.samples = samples;
        this.collate = collate;
        BatchSize = batchSize;
        Seed = seed;
        Shuffle = shuffle;
        BatchesPerEpoch = dropLast ? samples.Count / batchSize : (samples.Count + batchSize - 1) / batchSize;
        if (BatchesPerEpoch == 0)
        {
            throw new ArgumentException($"{samples.Count} samples make no batch of {batchSize} (dropLast: {dropLast})");
        }
    }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Shuffle seed.</summary>
    public ulong Seed { get; }

    /// <summary>Whether epochs are shuffled.</summary>
    public bool Shuffle { get; }

    /// <inheritdoc/>
    public int BatchesPerEpoch { get; }

    /// <summary>The sample order of an epoch (a permutation of 0..count-1).</summary>
    public int[] Order(int epoch)
    {
        var result = Enumerable.Range(0, samples.Count).ToArray();
        if (Shuffle)
        {
            // A separate stream per epoch: epoch e's order never depends on how far e-1 got.
            new Rng(Seed ^ (0x9E3779B97F4A7C15UL * (ulong)(epoch + 1))).Shuffle(result.AsSpan());
        }

        return result;
    }

    /// <inheritdoc/>
    public TBatch GetBatch(int epoch, int index)
    {
        if (index < 0 || index >= BatchesPerEpoch)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"batch {index} of {BatchesPerEpoch}");
        }

        if (epoch != cachedEpoch)
        {
            order = Order(epoch);
            cachedEpoch = epoch;
        }

        int start = index * BatchSize;
        int count = Math.Min(BatchSize, samples.Count - start);
        var batch = new TSample[count];
        for (int i = 0; i < count; i++)
        {
            batch[i] = samples[order[start + i]];
        }

        return collate(batch);
    }
}
