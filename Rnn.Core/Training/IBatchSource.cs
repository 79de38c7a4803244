namespace Rnn.Core.Training;

/// <summary>
/// Supplies the batches of each epoch by position. The same (epoch, index) must always give
/// the same batch: that is what lets a resumed run see exactly the data an uninterrupted run
/// would have seen. Shuffle by deriving the order from a seed and the epoch
/// (<see cref="ShuffledBatchSource{TSample, TBatch}"/> does).
/// </summary>
/// <typeparam name="TBatch">Whatever the loss function takes: tensors, a tuple, a record.</typeparam>
public interface IBatchSource<out TBatch>
{
    /// <summary>Number of batches in every epoch.</summary>
    int BatchesPerEpoch { get; }

    /// <summary>Batch <paramref name="index"/> (0-based) of epoch <paramref name="epoch"/> (0-based).</summary>
    TBatch GetBatch(int epoch, int index);
}
