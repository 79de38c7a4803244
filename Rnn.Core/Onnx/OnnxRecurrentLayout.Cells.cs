using Rnn.Core.Recurrent;

namespace Rnn.Core.Onnx;

// Typed overloads for the built-in cells and the generic Rnn layer: they read what the weights alone
// cannot tell (GRU resetAfter, the layer's direction) and refuse a cell that would compute another
// function than the ONNX node.
public static partial class OnnxRecurrentLayout
{
    /// <summary>ONNX LSTM weights of built-in cells (one, or forward and backward for bidirectional).</summary>
    public static OnnxRecurrentWeights FromCells(OnnxDirection direction, params LstmCell[] cells) =>
        FromLstmCells(direction, cells);

    /// <summary>ONNX GRU weights of built-in cells; linear_before_reset follows their resetAfter.</summary>
    public static OnnxRecurrentWeights FromCells(OnnxDirection direction, params GruCell[] cells)
    {
        if (cells.Length == 0)
        {
            throw new ArgumentException("no GRU cell given", nameof(cells));
        }

        if (cells.Any(c => c.ResetAfter != cells[0].ResetAfter))
        {
            throw new ArgumentException(
                "the GRU cells disagree on resetAfter; one ONNX node has a single linear_before_reset");
        }

        return FromGruCells(direction, cells[0].ResetAfter, cells);
    }

    /// <summary>
    /// ONNX weights of a one-direction <see cref="Rnn"/> layer over a built-in LSTM or GRU cell:
    /// direction "reverse" when the layer goes backwards, "forward" otherwise.
    /// </summary>
    public static OnnxRecurrentWeights FromRnn(Recurrent.Rnn layer)
    {
        var direction = layer.Options.GoBackwards ? OnnxDirection.Reverse : OnnxDirection.Forward;
        return layer.Cell switch
        {
            LstmCell lstm => FromCells(direction, lstm),
            GruCell gru => FromCells(direction, gru),
            var other => throw new ArgumentException(
                $"ONNX has LSTM and GRU operators only; the layer's cell is {other.GetType().Name}"),
        };
    }

    /// <summary>ONNX "bidirectional" weights of a <see cref="Bidirectional"/> layer over two built-in cells.</summary>
    public static OnnxRecurrentWeights FromBidirectional(Bidirectional layer) =>
        (layer.ForwardLayer.Cell, layer.BackwardLayer.Cell) switch
        {
            (LstmCell f, LstmCell b) => FromCells(OnnxDirection.Bidirectional, f, b),
            (GruCell f, GruCell b) => FromCells(OnnxDirection.Bidirectional, f, b),
            var (f, b) => throw new ArgumentException(
                $"ONNX bidirectional needs two LSTM or two GRU cells; got {f.GetType().Name} and {b.GetType().Name}"),
        };

    /// <summary>
    /// Loads ONNX weights into an <see cref="Recurrent.Rnn"/> layer (direction forward or reverse, matching
    /// its GoBackwards) or, with two directions, refuses: use <see cref="LoadInto(OnnxRecurrentWeights,
    /// Bidirectional)"/>.
    /// </summary>
    public static void LoadInto(OnnxRecurrentWeights weights, Recurrent.Rnn layer)
    {
        var expected = layer.Options.GoBackwards ? OnnxDirection.Reverse : OnnxDirection.Forward;
        if (weights.Direction != expected)
        {
            throw new ArgumentException(
                $"ONNX {weights.OpType} is {weights.DirectionName}; " +
                $"the layer runs {expected.ToString().ToLowerInvariant()}");
        }

        LoadCell(weights, 0, layer.Cell);
    }

    /// <summary>
    /// Loads ONNX "bidirectional" weights: direction 0 into the forward layer, 1 into the backward one.
    /// </summary>
    public static void LoadInto(OnnxRecurrentWeights weights, Bidirectional layer)
    {
        if (weights.Direction != OnnxDirection.Bidirectional)
        {
            throw new ArgumentException($"ONNX {weights.OpType} is {weights.DirectionName}, not bidirectional");
        }

        LoadCell(weights, 0, layer.ForwardLayer.Cell);
        LoadCell(weights, 1, layer.BackwardLayer.Cell);
    }

    private static void LoadCell(OnnxRecurrentWeights weights, int direction, IRnnCell cell)
    {
        switch (cell)
        {
            case LstmCell lstm:
                ToLstmCell(weights, direction, lstm);
                break;
            case GruCell gru:
                ToGruCell(weights, direction, gru);
                break;
            default:
                throw new ArgumentException($"ONNX has LSTM and GRU operators only; the cell is {cell.GetType().Name}");
        }
    }

    /// <summary>Loads one direction of ONNX GRU weights into a built-in cell whose resetAfter must match.</summary>
    public static void ToGruCell(OnnxRecurrentWeights weights, int direction, GruCell cell)
    {
        if (weights.Op == OnnxRecurrentOp.Gru && weights.LinearBeforeReset != cell.ResetAfter)
        {
            throw new ArgumentException(
                $"ONNX GRU has linear_before_reset={(weights.LinearBeforeReset ? 1 : 0)} but the cell has " +
                $"resetAfter={cell.ResetAfter}; build the cell with resetAfter: {weights.LinearBeforeReset}");
        }

        ToGruCell(weights, direction, (Nn.Module)cell);
    }
}
