using System.Buffers.Binary;
using System.Numerics.Tensors;
using P = Rnn.Core.Onnx.OnnxProto;

namespace Rnn.Core.Onnx;

public static partial class OnnxRecurrentModel
{
    /// <summary>Reads the W/R/B initializers and attributes of a one-node LSTM or GRU model file.</summary>
    public static OnnxRecurrentWeights Load(string path) => Import(File.ReadAllBytes(path), path);

    /// <summary>
    /// Reads the W/R/B initializers and attributes of a one-node LSTM or GRU model. Refuses, naming the
    /// source and the reason, anything this library cannot run the same way: several nodes, other
    /// activations, clip, input_forget, non-zero peepholes, weights that are graph inputs rather than
    /// initializers, external data, or shapes that disagree with hidden_size.
    /// </summary>
    /// <param name="model">ModelProto bytes.</param>
    /// <param name="source">Names the model in errors.</param>
    /// <exception cref="InvalidDataException">Malformed or unsupported; the message says which.</exception>
    public static OnnxRecurrentWeights Import(byte[] model, string source = "<memory>")
    {
        try
        {
            return new Importer(source).Run(model);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(source + ":", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{source}: malformed protobuf ({e.Message})", e);
        }
    }

    private sealed record OnnxNode(
        string OpType, string Domain, List<string> Inputs, Dictionary<string, ProtoField> Attributes);

    private sealed record OnnxTensor(string Name, long[] Dims, int DataType, float[] Values);

    private sealed class Importer
    {
        private readonly string source;

        public Importer(string source) => this.source = source;

        public OnnxRecurrentWeights Run(byte[] bytes)
        {
            ProtoReader? graph = null;
            long opset = -1;
            foreach (var f in new ProtoReader(bytes).Fields())
            {
                if (f.Number == P.Model.Graph && f.WireType == ProtoWriter.LengthDelimited)
                {
                    graph = f.Message;
                }
                else if (f.Number == P.Model.OpsetImport && f.WireType == ProtoWriter.LengthDelimited)
                {
                    opset = Math.Max(opset, DefaultOpset(f.Message));
                }
            }

            if (graph is null)
            {
                throw Fail("ModelProto has no graph (not an ONNX model?)");
            }

            if (opset < 7)
            {
                throw Fail(opset < 0 ? "no ai.onnx opset_import" : $"ai.onnx opset {opset} predates LSTM/GRU v7");
            }

            return FromGraph(graph.Value);
        }

        private OnnxRecurrentWeights FromGraph(ProtoReader graph)
        {
            var nodes = new List<OnnxNode>();
            var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
            foreach (var f in graph.Fields())
            {
                if (f.Number == P.Graph.Node && f.WireType == ProtoWriter.LengthDelimited)
                {
                    nodes.Add(ReadNode(f.Message));
                }
                else if (f.Number == P.Graph.Initializer && f.WireType == ProtoWriter.LengthDelimited)
                {
                    var t = ReadTensor(f.Message);
                    initializers[t.Name] = t;
                }
            }

            bool single = nodes.Count == 1 && nodes[0].OpType is "LSTM" or "GRU";
            if (!single || nodes[0].Domain is not ("" or "ai.onnx"))
            {
                string found = string.Join(", ", nodes.Select(n => n.OpType));
                throw Fail($"expected one LSTM or GRU node; the graph has {nodes.Count} node(s): [{found}]");
            }

            return FromNode(nodes[0], initializers);
        }

        private OnnxRecurrentWeights FromNode(OnnxNode node, Dictionary<string, OnnxTensor> initializers)
        {
            var op = node.OpType == "LSTM" ? OnnxRecurrentOp.Lstm : OnnxRecurrentOp.Gru;
            int gates = OnnxRecurrentWeights.GatesOf(op);
            CheckUnsupportedAttributes(node, op);
            long hidden = Int(node, "hidden_size", -1);
            if (hidden <= 0 || hidden > int.MaxValue)
            {
                string found = hidden < 0 ? "missing" : hidden.ToString();
                throw Fail($"{node.OpType} hidden_size is {found}, expected a positive int");
            }

            var direction = ParseDirection(node);
            int dirs = direction == OnnxDirection.Bidirectional ? 2 : 1;
            long gru = Int(node, "linear_before_reset", 0);
            if (gru is not (0 or 1))
            {
                throw Fail($"linear_before_reset is {gru}, expected 0 or 1");
            }

            var w = Initializer(node, 1, "W", initializers, required: true)!;
            int input = w.Dims.Length == 3 ? (int)Math.Min(w.Dims[2], int.MaxValue) : -1;
            int h = (int)hidden;
            RequireShape(w, new[] { dirs, gates * h, input }, input > 0);
            var r = Initializer(node, 2, "R", initializers, required: true)!;
            RequireShape(r, new[] { dirs, gates * h, h }, true);
            var b = Initializer(node, 3, "B", initializers, required: false);
            if (b is not null)
            {
                RequireShape(b, new[] { dirs, 2 * gates * h }, true);
            }

            if (op == OnnxRecurrentOp.Lstm)
            {
                CheckNoPeepholes(node, initializers);
            }

            float[] bias = b?.Values ?? new float[dirs * 2 * gates * h];
            return new OnnxRecurrentWeights(op, direction, input, h, w.Values, r.Values, bias, gru == 1);
        }

        private void CheckUnsupportedAttributes(OnnxNode node, OnnxRecurrentOp op)
        {
            if (node.Attributes.ContainsKey("clip"))
            {
                throw Fail($"{node.OpType} uses \"clip\"; cell clipping is not supported by this library's cells");
            }

            if (Int(node, "input_forget", 0) != 0)
            {
                throw Fail("LSTM uses input_forget=1 (coupled input/forget gates); not supported");
            }

            if (Int(node, "layout", 0) != 0)
            {
                throw Fail($"{node.OpType} uses layout=1 (batch-major); only layout 0 (time-major) is supported");
            }

            if (node.Attributes.TryGetValue("activations", out var activations))
            {
                var names = Strings(activations);
                string[] expected = op == OnnxRecurrentOp.Lstm
                    ? new[] { "Sigmoid", "Tanh", "Tanh" }
                    : new[] { "Sigmoid", "Tanh" };
                bool defaults = names.Count > 0 && names.Count % expected.Length == 0
                    && names.Select((n, i) => (n, i)).All(
                        p => p.n.Equals(expected[p.i % expected.Length], StringComparison.OrdinalIgnoreCase));
                if (!defaults)
                {
                    throw Fail($"{node.OpType} activations [{string.Join(", ", names)}] are not the defaults " +
                               $"[{string.Join(", ", expected)}]; only the default activations are supported");
                }
            }
        }

        private void CheckNoPeepholes(OnnxNode node, Dictionary<string, OnnxTensor> initializers)
        {
            var p = Initializer(node, 7, "P", initializers, required: false);
            if (p is not null && p.Values.Any(v => v != 0f))
            {
                throw Fail("LSTM has non-zero peephole weights P; LstmCell has no peepholes");
            }
        }

        private OnnxTensor? Initializer(
            OnnxNode node, int index, string role, Dictionary<string, OnnxTensor> initializers, bool required)
        {
            string name = index < node.Inputs.Count ? node.Inputs[index] : "";
            if (name.Length == 0)
            {
                return required ? throw Fail($"{node.OpType} has no {role} input") : null;
            }

            return initializers.TryGetValue(name, out var t)
                ? t
                : throw Fail($"{node.OpType} input {role} '{name}' is not an initializer; " +
                             "only weights stored in the model import");
        }

        private void RequireShape(OnnxTensor t, int[] expected, bool ok)
        {
            if (!ok || !t.Dims.SequenceEqual(expected.Select(d => (long)d)))
            {
                string dims = string.Join(", ", t.Dims);
                throw Fail($"initializer '{t.Name}' is [{dims}]; expected {Shape.Format(expected)}");
            }
        }

        private OnnxDirection ParseDirection(OnnxNode node)
        {
            if (!node.Attributes.TryGetValue("direction", out var f))
            {
                return OnnxDirection.Forward;
            }

            return f.String switch
            {
                "forward" => OnnxDirection.Forward,
                "reverse" => OnnxDirection.Reverse,
                "bidirectional" => OnnxDirection.Bidirectional,
                var other => throw Fail($"direction '{other}' is not forward, reverse or bidirectional"),
            };
        }

        private long Int(OnnxNode node, string name, long fallback)
        {
            if (!node.Attributes.TryGetValue(name, out var f))
            {
                return fallback;
            }

            return f.Number == P.Attribute.I && f.WireType == ProtoWriter.Varint
                ? f.Int64
                : throw Fail($"{node.OpType} attribute '{name}' is not an integer (field {f.Number})");
        }

        private static List<string> Strings(ProtoField attribute) =>
            attribute.Message.Fields().Where(f => f.Number == P.Attribute.Strings).Select(f => f.String).ToList();

        private static long DefaultOpset(ProtoReader opset)
        {
            string domain = "";
            long version = -1;
            foreach (var f in opset.Fields())
            {
                if (f.Number == P.OperatorSetId.Domain)
                {
                    domain = f.String;
                }
                else if (f.Number == P.OperatorSetId.Version)
                {
                    version = f.Int64;
                }
            }

            return domain is "" or "ai.onnx" ? version : -1;
        }

        private OnnxNode ReadNode(ProtoReader node)
        {
            string opType = "", domain = "";
            var inputs = new List<string>();
            var attributes = new Dictionary<string, ProtoField>(StringComparer.Ordinal);
            foreach (var f in node.Fields())
            {
                switch (f.Number)
                {
                    case P.Node.Input: inputs.Add(f.String); break;
                    case P.Node.OpType: opType = f.String; break;
                    case P.Node.Domain: domain = f.String; break;
                    case P.Node.Attribute: ReadAttribute(f, attributes); break;
                }
            }

            return new OnnxNode(opType, domain, inputs, attributes);
        }

        // Keeps the value field of each attribute (i, s, ...) keyed by name; "activations" keeps the whole
        // AttributeProto because its strings repeat.
        private static void ReadAttribute(ProtoField attribute, Dictionary<string, ProtoField> into)
        {
            string name = "";
            ProtoField? value = null;
            foreach (var f in attribute.Message.Fields())
            {
                if (f.Number == P.Attribute.Name)
                {
                    name = f.String;
                }
                else if (f.Number is P.Attribute.F or P.Attribute.I or P.Attribute.S)
                {
                    value = f;
                }
            }

            into[name] = value ?? attribute;
        }

        private OnnxTensor ReadTensor(ProtoReader tensor)
        {
            var dims = new List<long>();
            int dataType = 0;
            string name = "";
            byte[]? raw = null;
            var floats = new List<float>();
            var int32s = new List<long>();
            foreach (var f in tensor.Fields())
            {
                switch (f.Number)
                {
                    case P.Tensor.Dims: dims.AddRange(ProtoReader.Int64s(f)); break;
                    case P.Tensor.DataType: dataType = (int)f.Int64; break;
                    case P.Tensor.Name: name = f.String; break;
                    case P.Tensor.RawData: raw = f.Payload.ToArray(); break;
                    case P.Tensor.FloatData: floats.AddRange(ProtoReader.Floats(f)); break;
                    case P.Tensor.Int32Data: int32s.AddRange(ProtoReader.Int64s(f)); break;
                    case P.Tensor.DataLocation when f.Int64 != 0:
                        throw Fail($"initializer '{name}' keeps its data in an external file; not supported");
                }
            }

            long count = dims.Aggregate(1L, (n, d) => d < 0 || n > int.MaxValue ? -1 : n * d);
            if (count < 0 || count > int.MaxValue)
            {
                throw Fail($"initializer '{name}' has invalid dims [{string.Join(", ", dims)}]");
            }

            float[] values = Decode(name, dataType, (int)count, raw, floats, int32s);
            return new OnnxTensor(name, dims.ToArray(), dataType, values);
        }

        private float[] Decode(string name, int dataType, int count, byte[]? raw, List<float> floats, List<long> int32s)
        {
            var values = new float[count];
            if (dataType == P.Tensor.Float)
            {
                int have = raw is not null ? raw.Length / 4 : floats.Count;
                if (have != count || (raw is not null && raw.Length % 4 != 0))
                {
                    throw Fail($"initializer '{name}' holds {have} floats; its dims need {count}");
                }

                for (int i = 0; i < count; i++)
                {
                    values[i] = raw is not null
                        ? BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(i * 4))
                        : floats[i];
                }

                return values;
            }

            if (dataType == P.Tensor.Float16)
            {
                // float16 is stored as raw little-endian halves or as uint16 bit patterns in int32_data.
                int have = raw is not null ? raw.Length / 2 : int32s.Count;
                if (have != count)
                {
                    throw Fail($"initializer '{name}' holds {have} halves; its dims need {count}");
                }

                var halves = new Half[count];
                for (int i = 0; i < count; i++)
                {
                    ushort bits = raw is not null
                        ? BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(i * 2))
                        : (ushort)int32s[i];
                    halves[i] = BitConverter.UInt16BitsToHalf(bits);
                }

                TensorPrimitives.ConvertToSingle(halves, values);
                return values;
            }

            throw Fail($"initializer '{name}' has data_type {dataType}; only FLOAT (1) and FLOAT16 (10) import");
        }

        private InvalidDataException Fail(string reason) => new($"{source}: {reason}");
    }
}
