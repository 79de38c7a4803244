using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Rnn.Core.Onnx;
using P = Rnn.Core.Onnx.OnnxProto;

namespace Pipelines.Speech.Tests.Support;

/// <summary>
/// Writes small ONNX graphs with Rnn.Core's protobuf writer, so the ONNX model path is tested
/// against graphs whose outputs are known by construction. Opset 13.
/// </summary>
internal sealed class TinyOnnx
{
    private readonly List<Action<ProtoWriter>> parts = [];

    /// <summary>A node: op type, inputs, one output, and int / ints attributes.</summary>
    public TinyOnnx Node(string op, string[] inputs, string output, params (string Name, long[] Ints)[] attributes)
    {
        parts.Add(g => g.Message(P.Graph.Node, n =>
        {
            foreach (string i in inputs) n.String(P.Node.Input, i);
            n.String(P.Node.Output, output);
            n.String(P.Node.Name, output + "_node");
            n.String(P.Node.OpType, op);
            foreach (var (name, ints) in attributes)
            {
                n.Message(P.Node.Attribute, a =>
                {
                    a.String(P.Attribute.Name, name);
                    foreach (long v in ints) a.Int64(P.Attribute.Ints, v);
                    a.Int64(P.Attribute.Type, 7);   // AttributeProto.INTS
                });
            }
        }));
        return this;
    }

    /// <summary>A float initializer.</summary>
    public TinyOnnx Floats(string name, long[] dims, float[] values)
    {
        var raw = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        return Initializer(name, dims, P.Tensor.Float, raw);
    }

    /// <summary>An int64 initializer (shapes, axes).</summary>
    public TinyOnnx Int64s(string name, long[] values)
    {
        var raw = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * 8), values[i]);
        return Initializer(name, [values.Length], 7, raw);   // TensorProto.INT64
    }

    /// <summary>A float graph input; a dimension is an int (fixed) or a string (symbolic).</summary>
    public TinyOnnx Input(string name, params object[] dims) => Value(P.Graph.Input, name, dims);

    /// <summary>A float graph output.</summary>
    public TinyOnnx Output(string name, params object[] dims) => Value(P.Graph.Output, name, dims);

    /// <summary>The ModelProto bytes.</summary>
    public byte[] Build() => new ProtoWriter()
        .Int64(P.Model.IrVersion, 7)
        .String(P.Model.ProducerName, "speech-tests")
        .Message(P.Model.Graph, g =>
        {
            g.String(P.Graph.Name, "tiny");
            foreach (var part in parts) part(g);
        })
        .Message(P.Model.OpsetImport, o => o.String(P.OperatorSetId.Domain, "").Int64(P.OperatorSetId.Version, 13))
        .ToArray();

    /// <summary>Writes model.onnx and an onnx-ctc config.json into <paramref name="folder"/>.</summary>
    public void Save(string folder, JsonObject architecture, JsonObject preprocessing, string[] tokens)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), Build());
        architecture = (JsonObject)architecture.DeepClone();
        architecture["type"] = "onnx-ctc";
        var config = new JsonObject
        {
            ["format"] = "multimodal-model",
            ["version"] = 1,
            ["architecture"] = architecture,
            ["preprocessing"] = preprocessing.DeepClone(),
            ["vocabulary"] = new JsonObject
            {
                ["tokens"] = new JsonArray(tokens.Select(t => (JsonNode?)t).ToArray()),
                ["blank_index"] = 0,
                ["word_separator"] = null,
            },
        };
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());
    }

    private TinyOnnx Initializer(string name, long[] dims, int type, byte[] raw)
    {
        parts.Add(g => g.Message(P.Graph.Initializer, t =>
        {
            foreach (long d in dims) t.Int64(P.Tensor.Dims, d);
            t.Int64(P.Tensor.DataType, type);
            t.String(P.Tensor.Name, name);
            t.Bytes(P.Tensor.RawData, raw);
        }));
        return this;
    }

    private TinyOnnx Value(int field, string name, object[] dims)
    {
        parts.Add(g => g.Message(field, v =>
        {
            v.String(P.ValueInfo.Name, name);
            v.Message(P.ValueInfo.Type, type => type.Message(P.TypeProto.TensorType, tensor =>
            {
                tensor.Int64(P.TypeProto.ElemType, P.Tensor.Float);
                tensor.Message(P.TypeProto.Shape, shape =>
                {
                    foreach (object d in dims)
                    {
                        shape.Message(P.TypeProto.Dim, dim =>
                        {
                            if (d is int size) dim.Int64(P.TypeProto.DimValue, size);
                            else dim.String(P.TypeProto.DimParam, (string)d);
                        });
                    }
                });
            }));
        }));
        return this;
    }
}
