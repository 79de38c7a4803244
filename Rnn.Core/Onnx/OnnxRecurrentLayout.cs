using Rnn.Core.Nn;

namespace Rnn.Core.Onnx;

/// <summary>
/// Converts recurrent cell weights between this library's layout and the ONNX LSTM/GRU layout.
/// Ours (see the cell contract): LstmCell "weight_ih" [4H, in], "weight_hh" [4H, H], "bias" [4H], gates
/// i, f, g, o; GruCell "weight_ih" [3H, in], "weight_hh" [3H, H], "bias_ih" [3H], "bias_hh" [3H], gates
/// z, r, n. ONNX: W [dirs, G*H, in], R [dirs, G*H, H], B [dirs, 2*G*H], LSTM gates i, o, f, c and
/// GRU gates z, r, h. The cells are found by their parameter names, so any module that follows the
/// contract converts.
/// </summary>
/// <example>
/// <code>
/// var onnx = OnnxRecurrentLayout.FromLstmCells(OnnxDirection.Bidirectional, forwardCell, backwardCell);
/// OnnxRecurrentModel.Save("lstm.onnx", onnx);
/// OnnxRecurrentLayout.ToLstmCell(OnnxRecurrentModel.Load("lstm.onnx"), 1, backwardCell);
/// </code>
/// </example>
public static partial class OnnxRecurrentLayout
{
    // ONNX gate block k holds our gate block LstmOursForOnnx[k]: ONNX (i, o, f, c) <- ours (i, f, g, o).
    private static readonly int[] LstmOursForOnnx = { 0, 3, 1, 2 };

    // GRU orders agree: ONNX (z, r, h) = ours (z, r, n).
    private static readonly int[] GruOursForOnnx = { 0, 1, 2 };

    /// <summary>
    /// ONNX LSTM weights from one cell (forward or reverse) or two (bidirectional: forward, backward).
    /// </summary>
    /// <param name="direction">The ONNX direction; decides how many cells are needed.</param>
    /// <param name="cells">LstmCell-like modules with "weight_ih", "weight_hh", "bias".</param>
    public static OnnxRecurrentWeights FromLstmCells(OnnxDirection direction, params Module[] cells) =>
        FromCells(OnnxRecurrentOp.Lstm, direction, false, cells);

    /// <summary>ONNX GRU weights from one or two GruCell-like modules.</summary>
    /// <param name="direction">The ONNX direction; decides how many cells are needed.</param>
    /// <param name="linearBeforeReset">True for cells built with resetAfter = true (the default).</param>
    /// <param name="cells">Modules with "weight_ih", "weight_hh", "bias_ih", "bias_hh".</param>
    public static OnnxRecurrentWeights FromGruCells(
        OnnxDirection direction, bool linearBeforeReset, params Module[] cells) =>
        FromCells(OnnxRecurrentOp.Gru, direction, linearBeforeReset, cells);

    /// <summary>
    /// Loads direction <paramref name="direction"/> (0 forward, 1 reverse) of ONNX LSTM weights into a cell.
    /// </summary>
    public static void ToLstmCell(OnnxRecurrentWeights weights, int direction, Module cell) =>
        ToCell(weights, OnnxRecurrentOp.Lstm, direction, cell);

    /// <summary>
    /// Loads one direction of ONNX GRU weights into a cell. The caller picks a cell whose resetAfter equals
    /// <see cref="OnnxRecurrentWeights.LinearBeforeReset"/>; the weights alone cannot tell.
    /// </summary>
    public static void ToGruCell(OnnxRecurrentWeights weights, int direction, Module cell) =>
        ToCell(weights, OnnxRecurrentOp.Gru, direction, cell);

    private static OnnxRecurrentWeights FromCells(
        OnnxRecurrentOp op, OnnxDirection direction, bool linearBeforeReset, Module[] cells)
    {
        int dirs = direction == OnnxDirection.Bidirectional ? 2 : 1;
        if (cells.Length != dirs)
        {
            throw new ArgumentException($"ONNX {op} direction {direction} needs {dirs} cell(s); got {cells.Length}");
        }

        var first = CellParameters.Of(cells[0], op);
        int gates = OnnxRecurrentWeights.GatesOf(op);
        int hidden = first.Hidden;
        int input = first.Input;
        var w = new float[dirs * gates * hidden * input];      // [dirs, G*H, in]
        var r = new float[dirs * gates * hidden * hidden];     // [dirs, G*H, H]
        var b = new float[dirs * 2 * gates * hidden];          // [dirs, 2*G*H]
        int[] order = op == OnnxRecurrentOp.Lstm ? LstmOursForOnnx : GruOursForOnnx;
        for (int d = 0; d < dirs; d++)
        {
            var p = CellParameters.Of(cells[d], op);
            p.RequireSizes(input, hidden, d);
            int wSize = gates * hidden * input;
            int rSize = gates * hidden * hidden;
            PermuteBlocks(p.WeightIh, w.AsSpan(d * wSize, wSize), order, hidden * input);
            PermuteBlocks(p.WeightHh, r.AsSpan(d * rSize, rSize), order, hidden * hidden);
            var bd = b.AsSpan(d * 2 * gates * hidden, 2 * gates * hidden);
            // LSTM has one bias; ONNX adds Wb + Rb, so put it all in Wb and leave Rb zero.
            PermuteBlocks(p.BiasIh, bd[..(gates * hidden)], order, hidden);
            if (p.BiasHh is not null)
            {
                PermuteBlocks(p.BiasHh, bd[(gates * hidden)..], order, hidden);
            }
        }

        return new OnnxRecurrentWeights(op, direction, input, hidden, w, r, b, linearBeforeReset);
    }

    private static void ToCell(OnnxRecurrentWeights weights, OnnxRecurrentOp op, int direction, Module cell)
    {
        if (weights.Op != op)
        {
            throw new ArgumentException($"these are ONNX {weights.OpType} weights; expected {op}");
        }

        if (direction < 0 || direction >= weights.Directions)
        {
            throw new ArgumentOutOfRangeException(
                nameof(direction), $"direction {direction} is out of range for {weights.Directions} direction(s)");
        }

        var p = CellParameters.Of(cell, op);
        int gates = weights.Gates;
        int hidden = weights.HiddenSize;
        int input = weights.InputSize;
        p.RequireSizes(input, hidden, direction);
        int[] order = Inverse(op == OnnxRecurrentOp.Lstm ? LstmOursForOnnx : GruOursForOnnx);

        var wih = new float[gates * hidden * input];
        var whh = new float[gates * hidden * hidden];
        PermuteBlocks(weights.W.AsSpan(direction * wih.Length, wih.Length), wih, order, hidden * input);
        PermuteBlocks(weights.R.AsSpan(direction * whh.Length, whh.Length), whh, order, hidden * hidden);
        var bd = weights.B.AsSpan(direction * 2 * gates * hidden, 2 * gates * hidden);
        var bih = new float[gates * hidden];
        var bhh = new float[gates * hidden];
        PermuteBlocks(bd[..(gates * hidden)], bih, order, hidden);
        PermuteBlocks(bd[(gates * hidden)..], bhh, order, hidden);

        p.Parameters["weight_ih"].Load(wih);
        p.Parameters["weight_hh"].Load(whh);
        if (op == OnnxRecurrentOp.Lstm)
        {
            for (int i = 0; i < bih.Length; i++)
            {
                bih[i] += bhh[i];   // our LSTM has one bias: Wb + Rb
            }

            p.Parameters["bias"].Load(bih);
        }
        else
        {
            p.Parameters["bias_ih"].Load(bih);
            p.Parameters["bias_hh"].Load(bhh);
        }
    }

    /// <summary>Block k of <paramref name="destination"/> = block order[k] of <paramref name="source"/>.</summary>
    internal static void PermuteBlocks(ReadOnlySpan<float> source, Span<float> destination, int[] order, int blockSize)
    {
        for (int k = 0; k < order.Length; k++)
        {
            source.Slice(order[k] * blockSize, blockSize).CopyTo(destination.Slice(k * blockSize, blockSize));
        }
    }

    private static int[] Inverse(int[] order)
    {
        var inverse = new int[order.Length];
        for (int k = 0; k < order.Length; k++)
        {
            inverse[order[k]] = k;
        }

        return inverse;
    }
}
