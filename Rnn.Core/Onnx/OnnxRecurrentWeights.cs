namespace Rnn.Core.Onnx;

/// <summary>The two recurrent operators of the ONNX standard this library converts.</summary>
public enum OnnxRecurrentOp
{
    /// <summary>ONNX "LSTM": 4 gates in the order i, o, f, c.</summary>
    Lstm,

    /// <summary>ONNX "GRU": 3 gates in the order z, r, h.</summary>
    Gru,
}

/// <summary>The "direction" attribute of ONNX LSTM/GRU.</summary>
public enum OnnxDirection
{
    /// <summary>"forward": one direction, time 0 first.</summary>
    Forward,

    /// <summary>"reverse": one direction, last time step first.</summary>
    Reverse,

    /// <summary>"bidirectional": index 0 forward, index 1 reverse.</summary>
    Bidirectional,
}

/// <summary>
/// Weights of one ONNX LSTM or GRU node in the operator's own layout
/// (https://onnx.ai/onnx/operators/onnx__LSTM.html, onnx__GRU.html), row-major float32:
/// W [dirs, G*H, in], R [dirs, G*H, H], B [dirs, 2*G*H] (input biases Wb then recurrent biases Rb),
/// with G = 4 gates i, o, f, c for LSTM and G = 3 gates z, r, h for GRU.
/// </summary>
public sealed class OnnxRecurrentWeights
{
    /// <summary>Wraps arrays already in ONNX layout; checks their lengths.</summary>
    /// <param name="op">LSTM or GRU.</param>
    /// <param name="direction">Forward, reverse or bidirectional (2 directions).</param>
    /// <param name="inputSize">Features per time step.</param>
    /// <param name="hiddenSize">The "hidden_size" attribute.</param>
    /// <param name="w">[dirs, G*H, in].</param>
    /// <param name="r">[dirs, G*H, H].</param>
    /// <param name="b">[dirs, 2*G*H].</param>
    /// <param name="linearBeforeReset">GRU only: the "linear_before_reset" attribute (our resetAfter).</param>
    public OnnxRecurrentWeights(
        OnnxRecurrentOp op, OnnxDirection direction, int inputSize, int hiddenSize,
        float[] w, float[] r, float[] b, bool linearBeforeReset = false)
    {
        if (inputSize <= 0 || hiddenSize <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(inputSize), $"ONNX {op} needs positive sizes; got input {inputSize}, hidden {hiddenSize}");
        }

        if (op == OnnxRecurrentOp.Lstm && linearBeforeReset)
        {
            throw new ArgumentException(
                "linear_before_reset is a GRU attribute; LSTM has none", nameof(linearBeforeReset));
        }

        Op = op;
        Direction = direction;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        LinearBeforeReset = linearBeforeReset;
        W = Check(w, WShape, "W");
        R = Check(r, RShape, "R");
        B = Check(b, BShape, "B");
    }

    /// <summary>LSTM or GRU.</summary>
    public OnnxRecurrentOp Op { get; }

    /// <summary>The "direction" attribute.</summary>
    public OnnxDirection Direction { get; }

    /// <summary>Features per time step.</summary>
    public int InputSize { get; }

    /// <summary>The "hidden_size" attribute.</summary>
    public int HiddenSize { get; }

    /// <summary>GRU "linear_before_reset" (1 = reset applied after the recurrent matmul).</summary>
    public bool LinearBeforeReset { get; }

    /// <summary>1, or 2 when bidirectional.</summary>
    public int Directions => Direction == OnnxDirection.Bidirectional ? 2 : 1;

    /// <summary>Gates per direction: 4 for LSTM, 3 for GRU.</summary>
    public int Gates => GatesOf(Op);

    /// <summary>[dirs, G*H, in].</summary>
    public float[] W { get; }

    /// <summary>[dirs, G*H, H].</summary>
    public float[] R { get; }

    /// <summary>[dirs, 2*G*H].</summary>
    public float[] B { get; }

    /// <summary>Shape of <see cref="W"/>.</summary>
    public int[] WShape => new[] { Directions, Gates * HiddenSize, InputSize };

    /// <summary>Shape of <see cref="R"/>.</summary>
    public int[] RShape => new[] { Directions, Gates * HiddenSize, HiddenSize };

    /// <summary>Shape of <see cref="B"/>.</summary>
    public int[] BShape => new[] { Directions, 2 * Gates * HiddenSize };

    /// <summary>The ONNX "direction" attribute spelling.</summary>
    public string DirectionName => Direction switch
    {
        OnnxDirection.Forward => "forward",
        OnnxDirection.Reverse => "reverse",
        _ => "bidirectional",
    };

    /// <summary>The ONNX op_type.</summary>
    public string OpType => Op == OnnxRecurrentOp.Lstm ? "LSTM" : "GRU";

    internal static int GatesOf(OnnxRecurrentOp op) => op == OnnxRecurrentOp.Lstm ? 4 : 3;

    private float[] Check(float[] values, int[] shape, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Length != Shape.Size(shape))
        {
            throw new ArgumentException(
                $"ONNX {OpType} {name} must be {Shape.Format(shape)} ({Shape.Size(shape)} values); " +
                $"got {values.Length}");
        }

        return values;
    }
}
