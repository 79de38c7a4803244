namespace Rnn.Core.Recurrent;

/// <summary>A layer that maps a sequence [batch, time, ...] to an <see cref="RnnResult"/>.</summary>
public interface ISequenceLayer
{
    /// <summary>Number of state tensors in <see cref="RnnResult.States"/> and in initialState.</summary>
    int StateCount { get; }

    /// <summary>True when the output keeps the time axis ([batch, time, ...]).</summary>
    bool ReturnsSequences { get; }

    /// <summary>Runs the layer over the sequence.</summary>
    /// <param name="x">[batch, time, ...features].</param>
    /// <param name="initialState">Initial states, or null for zeros (or the kept states when stateful).</param>
    /// <param name="lengths">Valid steps per sample (the rest is padding), or null.</param>
    /// <param name="mask">[batch, time], non-zero where a step is valid, or null. Not with lengths.</param>
    RnnResult Forward(Tensor x, Tensor[]? initialState = null, int[]? lengths = null, Tensor? mask = null);
}
