using Pipelines.Video.Data;
using Rnn.Core;
using Rnn.Core.Training;

namespace Pipelines.Video.Training;

/// <summary>
/// Training batches generated on the fly: batch (epoch, index) is drawn from a generator seeded
/// by (seed, epoch, index), so it is the same however often it is asked for, which is what lets
/// a resumed run see exactly the data the uninterrupted run would have seen. No sequence is stored.
/// </summary>
public sealed class MovingMnistBatches : IBatchSource<VideoBatch>
{
    private readonly MovingMnist generator;
    private readonly int batchSize;
    private readonly int contextFrames;
    private readonly ulong seed;
    private readonly IBackend backend;

    /// <summary>Creates the source; sequences have context + future frames.</summary>
    public MovingMnistBatches(MovingMnist generator, int batchSize, int batchesPerEpoch, int contextFrames,
        ulong seed, IBackend? backend = null)
    {
        if (batchSize < 1 || batchesPerEpoch < 1 || contextFrames < 1 || contextFrames >= generator.Options.Frames)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize),
                $"need batch >= 1, batches >= 1 and 1 <= context < {generator.Options.Frames}; " +
                $"got {batchSize}, {batchesPerEpoch}, {contextFrames}");
        }

        this.generator = generator;
        this.batchSize = batchSize;
        this.contextFrames = contextFrames;
        this.seed = seed;
        this.backend = backend ?? Backends.Default;
        BatchesPerEpoch = batchesPerEpoch;
    }

    /// <inheritdoc />
    public int BatchesPerEpoch { get; }

    /// <inheritdoc />
    public VideoBatch GetBatch(int epoch, int index)
    {
        // SplitMix-style mixing keeps nearby (epoch, index) pairs from giving related streams.
        ulong mixed = Mix(seed ^ Mix(((ulong)(uint)epoch << 32) | (uint)index));
        var rng = new Rng(mixed);
        var sequences = new float[batchSize][];
        for (int b = 0; b < batchSize; b++)
        {
            sequences[b] = generator.Sequence(rng);
        }

        return Split(sequences, contextFrames, generator.Options.Frames - contextFrames, backend);
    }

    /// <summary>
    /// Stacks sequences [frames, channels, size, size] into a batch and splits it after
    /// <paramref name="context"/> frames, keeping the next <paramref name="future"/>.
    /// </summary>
    public static VideoBatch Split(IReadOnlyList<float[]> sequences, int context, int future, IBackend backend,
        int channels = 1)
    {
        int frames = context + future;
        int perFrame = sequences[0].Length / frames;
        int size = (int)Math.Round(Math.Sqrt(perFrame / (double)channels));
        if (perFrame * frames != sequences[0].Length || size * size * channels != perFrame
            || sequences.Any(q => q.Length != sequences[0].Length))
        {
            throw new ArgumentException(
                $"sequences must all be {frames} square frames of {channels} channel(s); " +
                $"got {sequences[0].Length} values");
        }

        var x = new float[sequences.Count * context * perFrame];   // [batch, K, channels, size, size]
        var y = new float[sequences.Count * future * perFrame];    // [batch, N, channels, size, size]
        for (int b = 0; b < sequences.Count; b++)
        {
            var s = sequences[b].AsSpan();
            s.Slice(0, context * perFrame).CopyTo(x.AsSpan(b * context * perFrame));
            s.Slice(context * perFrame, future * perFrame).CopyTo(y.AsSpan(b * future * perFrame));
        }

        return new VideoBatch(
            backend.FromArray(x, new[] { sequences.Count, context, channels, size, size }),
            backend.FromArray(y, new[] { sequences.Count, future, channels, size, size }));
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
