using Rnn.Core.Serialization;
using P = Rnn.Core.Onnx.OnnxProto;

namespace Rnn.Core.Onnx;

/// <summary>Options of <see cref="OnnxRecurrentModel.Export"/>.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>
    /// When true the graph takes "initial_h" (and "initial_c" for LSTM) [dirs, batch, H] as inputs the
    /// caller must feed; when false the operator starts from zeros.
    /// </summary>
    public bool InitialStateInputs { get; init; }

    /// <summary>The ai.onnx opset imported. LSTM/GRU changed last in opset 14 (the "layout" attribute).</summary>
    public int Opset { get; init; } = 14;

    /// <summary>ModelProto.producer_name.</summary>
    public string ProducerName { get; init; } = "Rnn.Core";
}

/// <summary>
/// Exports and imports one-node ONNX models holding a single LSTM or GRU operator whose W, R and B are
/// graph initializers. Graph inputs: "X" [time, batch, in] (and the initial states when asked);
/// outputs: "Y" [time, dirs, batch, H], "Y_h" [dirs, batch, H] and, for LSTM, "Y_c" [dirs, batch, H].
/// As ONNX defines it, Y is indexed by input time in both directions: Y[t, 1] is the reverse pass's
/// output at input step t (its last step is Y[0, 1]), where <see cref="Recurrent.Rnn"/> with
/// GoBackwards returns its outputs in the order it ran them (reverse them to compare).
/// The protobuf encoding is written by hand (<see cref="ProtoWriter"/>), so Rnn.Core needs no ONNX package.
/// </summary>
/// <remarks>
/// Limits: no sequence_lens input (every sequence runs its full length), default activations only, no
/// clip, no peepholes, layout 0 (time-major) only.
/// </remarks>
public static partial class OnnxRecurrentModel
{
    /// <summary>ONNX IR version written: 7 is the IR of opset 14 (ONNX 1.9).</summary>
    public const long IrVersion = 7;

    /// <summary>Encodes the model as ONNX ModelProto bytes.</summary>
    public static byte[] Export(OnnxRecurrentWeights weights, OnnxExportOptions? options = null)
    {
        options ??= new OnnxExportOptions();
        if (options.Opset < 7)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), $"opset {options.Opset} predates LSTM/GRU v7; use 7 or later");
        }

        var model = new ProtoWriter()
            .Int64(P.Model.IrVersion, IrVersion)
            .String(P.Model.ProducerName, options.ProducerName)
            .String(P.Model.ProducerVersion, typeof(OnnxRecurrentModel).Assembly.GetName().Version?.ToString() ?? "0")
            .Message(P.Model.Graph, graph => WriteGraph(graph, weights, options))
            .Message(P.Model.OpsetImport, opset => opset
                .String(P.OperatorSetId.Domain, "")
                .Int64(P.OperatorSetId.Version, options.Opset));
        return model.ToArray();
    }

    /// <summary>Writes the model to a file atomically.</summary>
    public static void Save(string path, OnnxRecurrentWeights weights, OnnxExportOptions? options = null) =>
        AtomicFile.WriteAllBytes(path, Export(weights, options));

    private static void WriteGraph(ProtoWriter graph, OnnxRecurrentWeights weights, OnnxExportOptions options)
    {
        bool lstm = weights.Op == OnnxRecurrentOp.Lstm;
        bool state = options.InitialStateInputs;
        var inputs = new List<string> { "X", "W", "R", "B", "" };   // "" skips sequence_lens
        if (state)
        {
            inputs.Add("initial_h");
            if (lstm)
            {
                inputs.Add("initial_c");
            }
        }

        var outputs = lstm ? new[] { "Y", "Y_h", "Y_c" } : new[] { "Y", "Y_h" };
        graph.Message(P.Graph.Node, node => WriteNode(node, weights, inputs, outputs));
        graph.String(P.Graph.Name, $"{weights.OpType.ToLowerInvariant()}_{weights.DirectionName}");
        graph.Message(P.Graph.Initializer, t => WriteTensor(t, "W", weights.WShape, weights.W));
        graph.Message(P.Graph.Initializer, t => WriteTensor(t, "R", weights.RShape, weights.R));
        graph.Message(P.Graph.Initializer, t => WriteTensor(t, "B", weights.BShape, weights.B));

        // Symbolic "time" and "batch" let one model run any sequence length and batch size.
        object dirs = weights.Directions;
        object hidden = weights.HiddenSize;
        graph.Message(P.Graph.Input, v => WriteValueInfo(v, "X", "time", "batch", weights.InputSize));
        foreach (string name in inputs.Skip(5))
        {
            graph.Message(P.Graph.Input, v => WriteValueInfo(v, name, dirs, "batch", hidden));
        }

        graph.Message(P.Graph.Output, v => WriteValueInfo(v, "Y", "time", dirs, "batch", hidden));
        foreach (string name in outputs.Skip(1))
        {
            graph.Message(P.Graph.Output, v => WriteValueInfo(v, name, dirs, "batch", hidden));
        }
    }

    private static void WriteNode(ProtoWriter node, OnnxRecurrentWeights weights, List<string> inputs, string[] outputs)
    {
        foreach (string input in inputs)
        {
            node.String(P.Node.Input, input);
        }

        foreach (string output in outputs)
        {
            node.String(P.Node.Output, output);
        }

        node.String(P.Node.Name, weights.OpType.ToLowerInvariant());
        node.String(P.Node.OpType, weights.OpType);
        node.Message(P.Node.Attribute, a => a
            .String(P.Attribute.Name, "hidden_size")
            .Int64(P.Attribute.I, weights.HiddenSize)
            .Int64(P.Attribute.Type, P.Attribute.TypeInt));
        node.Message(P.Node.Attribute, a => a
            .String(P.Attribute.Name, "direction")
            .String(P.Attribute.S, weights.DirectionName)
            .Int64(P.Attribute.Type, P.Attribute.TypeString));
        if (weights.Op == OnnxRecurrentOp.Gru)
        {
            node.Message(P.Node.Attribute, a => a
                .String(P.Attribute.Name, "linear_before_reset")
                .Int64(P.Attribute.I, weights.LinearBeforeReset ? 1 : 0)
                .Int64(P.Attribute.Type, P.Attribute.TypeInt));
        }
    }

    private static void WriteTensor(ProtoWriter tensor, string name, int[] shape, float[] values)
    {
        foreach (int d in shape)
        {
            tensor.Int64(P.Tensor.Dims, d);
        }

        tensor.Int64(P.Tensor.DataType, P.Tensor.Float);
        tensor.String(P.Tensor.Name, name);

        // raw_data: fixed-width little-endian IEEE 754, as onnx.proto requires.
        var raw = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        }

        tensor.Bytes(P.Tensor.RawData, raw);
    }

    /// <summary>A float tensor ValueInfoProto; each dimension is an int (dim_value) or a string (dim_param).</summary>
    private static void WriteValueInfo(ProtoWriter value, string name, params object[] dims)
    {
        value.String(P.ValueInfo.Name, name);
        value.Message(P.ValueInfo.Type, type => type.Message(P.TypeProto.TensorType, tensor =>
        {
            tensor.Int64(P.TypeProto.ElemType, P.Tensor.Float);
            tensor.Message(P.TypeProto.Shape, shape =>
            {
                foreach (object d in dims)
                {
                    shape.Message(P.TypeProto.Dim, dim =>
                    {
                        if (d is int size)
                        {
                            dim.Int64(P.TypeProto.DimValue, size);
                        }
                        else
                        {
                            dim.String(P.TypeProto.DimParam, (string)d);
                        }
                    });
                }
            });
        }));
    }
}
