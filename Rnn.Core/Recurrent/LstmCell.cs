using Rnn.Core.Nn;

namespace Rnn.Core.Recurrent;

/// <summary>
/// Long short-term memory cell (Hochreiter and Schmidhuber, 1997, with the forget gate of
/// Gers et al., 2000): gates = x W_ih^T + h W_hh^T + b split as i, f, g, o;
/// c' = sig(f) * c + sig(i) * tanh(g), h' = sig(o) * tanh(c'). States are [h, c].
/// Parameters "weight_ih" [4H, in], "weight_hh" [4H, H], "bias" [4H] (forget slice starts at 1,
/// Jozefowicz et al., 2015). The <see cref="Rnn"/> layer runs it with a fused sequence kernel.
/// </summary>
public sealed class LstmCell : Module, IRecurrentDropoutCell
{
    /// <summary>Creates the cell with Glorot input weights, orthogonal recurrent weights.</summary>
    public LstmCell(int inputSize, int hidden, Rng rng, IBackend? backend = null)
    {
        CellInit.CheckSizes(nameof(LstmCell), inputSize, hidden, gates: 4);
        var be = backend ?? Backends.Default;
        InputSize = inputSize;
        Hidden = hidden;
        WeightIh = AddParameter("weight_ih", CellInit.InputWeights(be, rng, 4 * hidden, inputSize));
        WeightHh = AddParameter("weight_hh", CellInit.RecurrentWeights(be, rng, 4, hidden));
        var bias = new float[4 * hidden];
        Array.Fill(bias, 1f, hidden, hidden);   // forget gate
        Bias = AddParameter("bias", be.FromArray(bias, new[] { 4 * hidden }));
    }

    public int InputSize { get; }

    public int Hidden { get; }

    /// <summary>[4*hidden, in], gate order i, f, g, o.</summary>
    public Parameter WeightIh { get; }

    /// <summary>[4*hidden, hidden].</summary>
    public Parameter WeightHh { get; }

    /// <summary>[4*hidden].</summary>
    public Parameter Bias { get; }

    public IReadOnlyList<int[]> StateShapes => new[] { new[] { Hidden }, new[] { Hidden } };

    public int[] OutputShape => new[] { Hidden };

    public Tensor[] InitialState(int batch, IBackend backend) => CellInit.Zeros(StateShapes, batch, backend);

    public (Tensor Output, Tensor[] States) Step(Tensor input, Tensor[] states)
    {
        CellInit.CheckStates(nameof(LstmCell), states, 2);
        return Step(input, states, states[0]);
    }

    public (Tensor Output, Tensor[] States) Step(Tensor input, Tensor[] states, Tensor recurrentInput)
    {
        CellInit.CheckStates(nameof(LstmCell), states, 2);
        if (input.Rank != 2 || input.Dim(1) != InputSize)
        {
            throw new ArgumentException(
                $"LstmCell expects a step of [batch, {InputSize}]; got {input.Describe()}" +
                (input.Rank > 2 ? " (maps need ConvLstm2DCell, or flatten the features first)" : ""));
        }

        int h = Hidden;
        var gates = Ops.Add(
            Ops.Linear(input, WeightIh.Value, Bias.Value),
            Ops.MatMul(recurrentInput, WeightHh.Value, transB: true));   // [batch, 4*hidden]
        var i = Ops.Sigmoid(Ops.Slice(gates, 1, 0, h));
        var f = Ops.Sigmoid(Ops.Slice(gates, 1, h, h));
        var g = Ops.Tanh(Ops.Slice(gates, 1, 2 * h, h));
        var o = Ops.Sigmoid(Ops.Slice(gates, 1, 3 * h, h));
        var c = Ops.Add(Ops.Mul(f, states[1]), Ops.Mul(i, g));   // [batch, hidden]
        var hNew = Ops.Mul(o, Ops.Tanh(c));
        return (hNew, new[] { hNew, c });
    }
}
