using Rnn.Core.Nn;

namespace Rnn.Core.Recurrent;

/// <summary>
/// The Elman cell h' = act(x W_ih^T + h W_hh^T + b). Parameters "weight_ih" [hidden, in],
/// "weight_hh" [hidden, hidden], "bias" [hidden]; output and state are both h.
/// </summary>
public sealed class SimpleRnnCell : Module, IRecurrentDropoutCell
{
    /// <summary>Creates the cell with Glorot input weights, orthogonal recurrent weights, zero bias.</summary>
    public SimpleRnnCell(int inputSize, int hidden, Rng rng, UnaryOp activation = UnaryOp.Tanh,
        IBackend? backend = null)
    {
        CellInit.CheckSizes(nameof(SimpleRnnCell), inputSize, hidden, gates: 1);
        var be = backend ?? Backends.Default;
        InputSize = inputSize;
        Hidden = hidden;
        Activation = activation;
        WeightIh = AddParameter("weight_ih", CellInit.InputWeights(be, rng, hidden, inputSize));
        WeightHh = AddParameter("weight_hh", CellInit.RecurrentWeights(be, rng, 1, hidden));
        Bias = AddParameter("bias", be.Zeros(new[] { hidden }));
    }

    public int InputSize { get; }

    public int Hidden { get; }

    public UnaryOp Activation { get; }

    /// <summary>[hidden, in].</summary>
    public Parameter WeightIh { get; }

    /// <summary>[hidden, hidden].</summary>
    public Parameter WeightHh { get; }

    /// <summary>[hidden].</summary>
    public Parameter Bias { get; }

    public IReadOnlyList<int[]> StateShapes => new[] { new[] { Hidden } };

    public int[] OutputShape => new[] { Hidden };

    public Tensor[] InitialState(int batch, IBackend backend) => CellInit.Zeros(StateShapes, batch, backend);

    public (Tensor Output, Tensor[] States) Step(Tensor input, Tensor[] states)
    {
        CellInit.CheckStates(nameof(SimpleRnnCell), states, 1);
        return Step(input, states, states[0]);
    }

    public (Tensor Output, Tensor[] States) Step(Tensor input, Tensor[] states, Tensor recurrentInput)
    {
        var pre = Ops.Add(
            Ops.Linear(input, WeightIh.Value, Bias.Value),
            Ops.MatMul(recurrentInput, WeightHh.Value, transB: true));   // [batch, hidden]
        var h = Ops.Apply(Activation, pre);
        return (h, new[] { h });
    }
}
