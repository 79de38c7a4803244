namespace Rnn.Core.Recurrent;

/// <summary>
/// One step of a recurrent network, the contract the generic <see cref="Rnn"/> layer runs over
/// time (it mirrors Keras's custom-cell contract). A cell is a <see cref="Nn.Module"/> that
/// declares its per-sample state and output shapes, makes its initial state, and maps
/// (input_t, states_{t-1}) to (output_t, states_t).
/// </summary>
/// <example>
/// A cell written with <see cref="Ops"/> only trains through autograd with no extra code:
/// <code>
/// public sealed class TinyCell : Module, IRnnCell
/// {
///     public IReadOnlyList&lt;int[]&gt; StateShapes =&gt; new[] { new[] { 8 } };
///     public int[] OutputShape =&gt; new[] { 8 };
///     public Tensor[] InitialState(int batch, IBackend backend) =&gt;
///         new[] { backend.Zeros(new[] { batch, 8 }) };
///     public (Tensor Output, Tensor[] States) Step(Tensor input, Tensor[] states)
///     {
///         var h = Ops.Tanh(Ops.Add(Ops.MatMul(input, w, transB: true), Ops.MatMul(states[0], u, transB: true)));
///         return (h, new[] { h });
///     }
/// }
/// </code>
/// </example>
public interface IRnnCell
{
    /// <summary>Per-sample state shapes, e.g. LSTM [[hidden], [hidden]] for (h, c).</summary>
    IReadOnlyList<int[]> StateShapes { get; }

    /// <summary>Per-sample output shape, e.g. [hidden].</summary>
    int[] OutputShape { get; }

    /// <summary>Zero states of [batch, ...stateShape] on the given backend.</summary>
    Tensor[] InitialState(int batch, IBackend backend);

    /// <summary>One time step: input [batch, ...inputShape] -> output [batch, ...OutputShape].</summary>
    (Tensor Output, Tensor[] States) Step(Tensor input, Tensor[] states);
}

/// <summary>
/// A cell that can apply recurrent (variational) dropout itself, to the hidden state it feeds into
/// its recurrent projection only, leaving the carried state untouched (Gal and Ghahramani, 2016).
/// Cells without it get the dropout mask applied to their first state before <c>Step</c>.
/// </summary>
public interface IRecurrentDropoutCell : IRnnCell
{
    /// <summary>
    /// Like <see cref="IRnnCell.Step"/>, but the recurrent projection reads
    /// <paramref name="recurrentInput"/> (the dropped-out copy of states[0]) instead of states[0].
    /// </summary>
    (Tensor Output, Tensor[] States) Step(Tensor input, Tensor[] states, Tensor recurrentInput);
}
