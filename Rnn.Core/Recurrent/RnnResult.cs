namespace Rnn.Core.Recurrent;

/// <summary>What a recurrent layer returns.</summary>
/// <param name="Output">[batch, time, ...output] with ReturnSequences, else [batch, ...output].</param>
/// <param name="States">Final states, one tensor per state of the cell, each [batch, ...state]. They are always
/// returned (Keras's return_state is implied), with gradients flowing back through them.</param>
public sealed record RnnResult(Tensor Output, Tensor[] States) : IDisposable
{
    /// <summary>
    /// Disposes the output and the states (<see cref="Tensor.Dispose"/>), so the next call of the
    /// same sizes reuses their memory. Each is a tensor of its own (the last output and the final h
    /// may share memory, as views), never one the caller passed in.
    /// </summary>
    public void Dispose()
    {
        Output.Dispose();
        foreach (var state in States)
        {
            state.Dispose();
        }
    }
}
