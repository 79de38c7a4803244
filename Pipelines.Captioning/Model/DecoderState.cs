using Rnn.Core;
using Rnn.Core.Autograd;

namespace Pipelines.Captioning.Model;

/// <summary>The LSTM states of a decoding batch, [h, c] per layer, each [rows, hidden].</summary>
public sealed class DecoderState
{
    internal DecoderState(Tensor[][] layers) => Layers = layers;

    internal Tensor[][] Layers { get; }

    /// <summary>Rows (images or beam hypotheses).</summary>
    public int Rows => Layers[0][0].Dim(0);

    /// <summary>A state whose row i is row <c>rows[i]</c> of this one (beam search reorders hypotheses).</summary>
    public DecoderState Select(int[] rows) =>
        new(Layers.Select(states => states.Select(s => Ops.Gather(s, rows)).ToArray()).ToArray());
}
