using Rnn.Core.Nn;

namespace Rnn.Core.Recurrent;

/// <summary>
/// Runs one recurrent layer forward and another backward over the same sequence and merges
/// their outputs. The backward layer's sequence output is re-aligned to input time before
/// merging: with lengths only each sample's valid part is reversed, so padding stays at the end
/// and both directions see the same real steps (the cuDNN/Keras behaviour).
/// States are the forward layer's followed by the backward layer's.
/// </summary>
/// <example>
/// <code>
/// var opts = new RnnOptions { ReturnSequences = true };
/// var bi = new Bidirectional(new LstmCell(40, 64, rng), new LstmCell(40, 64, rng), opts);
/// var y = bi.Forward(features, lengths: lengths).Output;   // [batch, time, 128]
/// </code>
/// </example>
public sealed class Bidirectional : Module, ISequenceLayer
{
    /// <summary>
    /// Wraps two layers; <paramref name="backward"/> must have GoBackwards set and
    /// <paramref name="forward"/> must not.
    /// </summary>
    public Bidirectional(Rnn forward, Rnn backward, MergeMode mode = MergeMode.Concat)
    {
        if (forward.Options.GoBackwards || !backward.Options.GoBackwards)
        {
            throw new ArgumentException(
                $"Bidirectional needs a forward layer (GoBackwards false, got {forward.Options.GoBackwards}) " +
                $"and a backward one (GoBackwards true, got {backward.Options.GoBackwards})");
        }

        if (forward.Options.ReturnSequences != backward.Options.ReturnSequences)
        {
            throw new ArgumentException("both directions must agree on ReturnSequences");
        }

        ForwardLayer = AddModule("forward", forward);
        BackwardLayer = AddModule("backward", backward);
        Mode = mode;
    }

    /// <summary>Builds both layers from two cells and one set of options (GoBackwards is set per direction).</summary>
    public Bidirectional(
        IRnnCell forwardCell, IRnnCell backwardCell, RnnOptions options, MergeMode mode = MergeMode.Concat)
        : this(new Rnn(forwardCell, options with { GoBackwards = false }),
            new Rnn(backwardCell, options with { GoBackwards = true, Seed = options.Seed + 1 }), mode)
    {
    }

    /// <summary>The forward-direction layer.</summary>
    public Rnn ForwardLayer { get; }

    /// <summary>The backward-direction layer.</summary>
    public Rnn BackwardLayer { get; }

    /// <summary>How outputs are merged.</summary>
    public MergeMode Mode { get; }

    /// <inheritdoc />
    public int StateCount => ForwardLayer.StateCount + BackwardLayer.StateCount;

    /// <inheritdoc />
    public bool ReturnsSequences => ForwardLayer.ReturnsSequences;

    /// <inheritdoc />
    public RnnResult Forward(Tensor x, Tensor[]? initialState = null, int[]? lengths = null, Tensor? mask = null)
    {
        int nf = ForwardLayer.StateCount;
        if (initialState is not null && initialState.Length != StateCount)
        {
            throw new ArgumentException(
                $"Bidirectional takes {StateCount} initial states (forward then backward); got {initialState.Length}");
        }

        var f = ForwardLayer.Forward(x, initialState?[..nf], lengths, mask);
        var b = BackwardLayer.Forward(x, initialState?[nf..], lengths, mask);
        var bOut = ReturnsSequences ? Realign(b.Output, lengths) : b.Output;
        var merged = Mode switch
        {
            MergeMode.Concat => Ops.Concat(new[] { f.Output, bOut }, -1),
            MergeMode.Sum => Ops.Add(f.Output, bOut),
            MergeMode.Average => Ops.Scale(Ops.Add(f.Output, bOut), 0.5f),
            MergeMode.Multiply => Ops.Mul(f.Output, bOut),
            _ => throw new ArgumentOutOfRangeException(nameof(Mode), $"unknown merge mode {Mode}"),
        };
        return new RnnResult(merged, f.States.Concat(b.States).ToArray());
    }

    // The backward layer emits outputs in processing order; put step t back at input time
    // L-1-t (its whole time axis is reversed when no lengths are given).
    private static Tensor Realign(Tensor y, int[]? lengths)
    {
        int batch = y.Dim(0);
        int time = y.Dim(1);
        var index = new int[batch * time];
        for (int b = 0; b < batch; b++)
        {
            int len = lengths?[b] ?? time;
            for (int t = 0; t < time; t++)
            {
                index[b * time + t] = b * time + (t < len ? len - 1 - t : t);
            }
        }

        int[] shape = y.ShapeArray;
        int features = global::Rnn.Core.Shape.Size(y.Shape[2..]);   // from the shape: batch or time may be 0
        var rows = Ops.Reshape(y, batch * time, features);   // [batch*time, features]
        return Ops.Reshape(Ops.Gather(rows, index), shape);
    }
}
