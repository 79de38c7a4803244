using Rnn.Core.Nn;

namespace Rnn.Core.Recurrent;

/// <summary>
/// Gated recurrent unit (Cho et al., 2014). Gate order z, r, n:
/// z = sig(x Wz + bz_i + h Uz + bz_h), r likewise, h' = z * h + (1 - z) * n, with
/// n = tanh(x Wn + bn_i + r * (h Un + bn_h)) when <see cref="ResetAfter"/> (cuDNN, PyTorch,
/// Keras 3, ONNX linear_before_reset=1), or n = tanh(x Wn + bn_i + (r * h) Un + bn_h) otherwise
/// (the original paper, ONNX linear_before_reset=0). Parameters "weight_ih" [3H, in],
/// "weight_hh" [3H, H], "bias_ih" [3H], "bias_hh" [3H]. The <see cref="Rnn"/> layer runs it
/// with a fused sequence kernel in both conventions.
/// </summary>
public sealed class GruCell : Module, IRecurrentDropoutCell
{
    /// <summary>Creates the cell with Glorot input weights, orthogonal recurrent weights, zero biases.</summary>
    public GruCell(int inputSize, int hidden, Rng rng, bool resetAfter = true, IBackend? backend = null)
    {
        CellInit.CheckSizes(nameof(GruCell), inputSize, hidden, gates: 3);
        var be = backend ?? Backends.Default;
        InputSize = inputSize;
        Hidden = hidden;
        ResetAfter = resetAfter;
        WeightIh = AddParameter("weight_ih", CellInit.InputWeights(be, rng, 3 * hidden, inputSize));
        WeightHh = AddParameter("weight_hh", CellInit.RecurrentWeights(be, rng, 3, hidden));
        BiasIh = AddParameter("bias_ih", be.Zeros(new[] { 3 * hidden }));
        BiasHh = AddParameter("bias_hh", be.Zeros(new[] { 3 * hidden }));
    }

    public int InputSize { get; }

    public int Hidden { get; }

    /// <summary>True: reset gate applied after the recurrent matmul (cuDNN convention).</summary>
    public bool ResetAfter { get; }

    /// <summary>[3*hidden, in], gate order z, r, n.</summary>
    public Parameter WeightIh { get; }

    /// <summary>[3*hidden, hidden].</summary>
    public Parameter WeightHh { get; }

    /// <summary>[3*hidden].</summary>
    public Parameter BiasIh { get; }

    /// <summary>[3*hidden].</summary>
    public Parameter BiasHh { get; }

    public IReadOnlyList<int[]> StateShapes => new[] { new[] { Hidden } };

    public int[] OutputShape => new[] { Hidden };

    public Tensor[] InitialState(int batch, IBackend backend) => CellInit.Zeros(StateShapes, batch, backend);

    public (Tensor Output, Tensor[] States) Step(Tensor input, Tensor[] states)
    {
        CellInit.CheckStates(nameof(GruCell), states, 1);
        return Step(input, states, states[0]);
    }

    public (Tensor Output, Tensor[] States) Step(Tensor input, Tensor[] states, Tensor recurrentInput)
    {
        CellInit.CheckStates(nameof(GruCell), states, 1);
        int hd = Hidden;
        var h = states[0];
        var gi = Ops.Linear(input, WeightIh.Value, BiasIh.Value);   // [batch, 3*hidden]
        Tensor z;
        Tensor r;
        Tensor n;
        if (ResetAfter)
        {
            var gh = Ops.Linear(recurrentInput, WeightHh.Value, BiasHh.Value);   // [batch, 3*hidden]
            z = Ops.Sigmoid(Ops.Add(Ops.Slice(gi, 1, 0, hd), Ops.Slice(gh, 1, 0, hd)));
            r = Ops.Sigmoid(Ops.Add(Ops.Slice(gi, 1, hd, hd), Ops.Slice(gh, 1, hd, hd)));
            n = Ops.Tanh(Ops.Add(Ops.Slice(gi, 1, 2 * hd, hd), Ops.Mul(r, Ops.Slice(gh, 1, 2 * hd, hd))));
        }
        else
        {
            var wzr = Ops.Slice(WeightHh.Value, 0, 0, 2 * hd);   // [2*hidden, hidden]
            var wn = Ops.Slice(WeightHh.Value, 0, 2 * hd, hd);   // [hidden, hidden]
            var bzr = Ops.Slice(BiasHh.Value, 0, 0, 2 * hd);
            var bn = Ops.Slice(BiasHh.Value, 0, 2 * hd, hd);
            var ghzr = Ops.Linear(recurrentInput, wzr, bzr);   // [batch, 2*hidden]
            z = Ops.Sigmoid(Ops.Add(Ops.Slice(gi, 1, 0, hd), Ops.Slice(ghzr, 1, 0, hd)));
            r = Ops.Sigmoid(Ops.Add(Ops.Slice(gi, 1, hd, hd), Ops.Slice(ghzr, 1, hd, hd)));
            var ghn = Ops.Linear(Ops.Mul(r, recurrentInput), wn, bn);   // [batch, hidden]
            n = Ops.Tanh(Ops.Add(Ops.Slice(gi, 1, 2 * hd, hd), ghn));
        }

        // h' = z * h + (1 - z) * n = n + z * (h - n)
        var hNew = Ops.Add(n, Ops.Mul(z, Ops.Sub(h, n)));
        return (hNew, new[] { hNew });
    }
}
