namespace Rnn.Core.Recurrent;

/// <summary>
/// Which input row each (step, sample) reads and whether it is valid, worked out once per call
/// from lengths or a mask and the direction. Everything is time-major: entry t*batch + b.
/// </summary>
internal sealed class SequencePlan
{
    private SequencePlan(int batch, int time, int[] source, bool[] valid)
    {
        Batch = batch;
        Time = time;
        Source = source;
        Valid = valid;
        StepAllValid = new bool[time];
        for (int t = 0; t < time; t++)
        {
            StepAllValid[t] = valid.AsSpan(t * batch, batch).IndexOf(false) < 0;
        }

        AllValid = Array.IndexOf(StepAllValid, false) < 0;
        EmptySamples = Enumerable.Range(0, batch)
            .Where(b => Enumerable.Range(0, time).All(t => !valid[t * batch + b]))
            .ToArray();
    }

    public int Batch { get; }

    public int Time { get; }

    /// <summary>[t*batch + b] -> row b*time + step of the input viewed as [batch*time, features].</summary>
    public int[] Source { get; }

    /// <summary>[t*batch + b]: step t of sample b is real data (not padding).</summary>
    public bool[] Valid { get; }

    public bool[] StepAllValid { get; }

    public bool AllValid { get; }

    /// <summary>Samples with no valid step at all: their last output is zeros.</summary>
    public int[] EmptySamples { get; }

    public static SequencePlan Create(int batch, int time, int[]? lengths, Tensor? mask, bool backwards)
    {
        if (lengths is not null && mask is not null)
        {
            throw new ArgumentException("give lengths or a mask, not both");
        }

        var source = new int[time * batch];
        var valid = new bool[time * batch];
        float[]? m = mask is null ? null : ReadMask(mask, batch, time);
        CheckLengths(lengths, batch, time);
        for (int b = 0; b < batch; b++)
        {
            int len = lengths?[b] ?? time;
            for (int t = 0; t < time; t++)
            {
                int step;
                if (lengths is not null)
                {
                    // cuDNN-style: reverse only the valid prefix, padding stays at the end.
                    step = backwards && t < len ? len - 1 - t : t;
                }
                else
                {
                    step = backwards ? time - 1 - t : t;
                }

                source[t * batch + b] = b * time + step;
                valid[t * batch + b] = m is null ? t < len : m[b * time + step] != 0f;
            }
        }

        return new SequencePlan(batch, time, source, valid);
    }

    /// <summary>The rows of step t (a new array).</summary>
    public int[] StepSource(int t) => Source.AsSpan(t * Batch, Batch).ToArray();

    /// <summary>Step t's validity as a 0/1 tensor [batch, 1, ..., 1] of the given rank.</summary>
    public Tensor StepMask(int t, int rank, IBackend be)
    {
        var data = new float[Batch];
        for (int b = 0; b < Batch; b++)
        {
            data[b] = Valid[t * Batch + b] ? 1f : 0f;
        }

        var shape = Enumerable.Repeat(1, rank).ToArray();
        shape[0] = Batch;
        return be.FromArray(data, shape);
    }

    /// <summary>All validity flags as a 0/1 tensor [time*batch] (time-major), for fused kernels.</summary>
    public Tensor MaskTensor(IBackend be) =>
        be.FromArray(Valid.Select(v => v ? 1f : 0f).ToArray(), new[] { Valid.Length });   // [time*batch]

    private static float[] ReadMask(Tensor mask, int batch, int time)
    {
        if (mask.Rank != 2 || mask.Dim(0) != batch || mask.Dim(1) != time)
        {
            throw new ArgumentException($"mask must be [batch, time] = [{batch}, {time}]; got {mask.Describe()}");
        }

        return mask.ToArray();
    }

    private static void CheckLengths(int[]? lengths, int batch, int time)
    {
        if (lengths is null)
        {
            return;
        }

        if (lengths.Length != batch)
        {
            throw new ArgumentException($"{lengths.Length} lengths for a batch of {batch}");
        }

        for (int b = 0; b < batch; b++)
        {
            if (lengths[b] < 0 || lengths[b] > time)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(lengths), $"length {lengths[b]} of sample {b} is outside [0, {time}]");
            }
        }
    }
}
