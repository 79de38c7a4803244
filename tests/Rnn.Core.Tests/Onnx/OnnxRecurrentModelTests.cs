using Rnn.Core.Onnx;
using P = Rnn.Core.Onnx.OnnxProto;

namespace Rnn.Core.Tests.Onnx;

public sealed class OnnxRecurrentModelTests
{
    [TestCase(OnnxRecurrentOp.Lstm, OnnxDirection.Bidirectional, false)]
    [TestCase(OnnxRecurrentOp.Gru, OnnxDirection.Reverse, true)]
    [TestCase(OnnxRecurrentOp.Gru, OnnxDirection.Forward, false)]
    public void ExportThenImportKeepsEverything(OnnxRecurrentOp op, OnnxDirection direction, bool linearBeforeReset)
    {
        var original = RandomWeights(op, direction, linearBeforeReset, input: 3, hidden: 2);
        var back = OnnxRecurrentModel.Import(OnnxRecurrentModel.Export(original), "m.onnx");

        Assert.That(back.Op, Is.EqualTo(op));
        Assert.That(back.Direction, Is.EqualTo(direction));
        Assert.That(back.LinearBeforeReset, Is.EqualTo(linearBeforeReset));
        Assert.That((back.InputSize, back.HiddenSize), Is.EqualTo((3, 2)));
        Assert.That(back.W, Is.EqualTo(original.W));
        Assert.That(back.R, Is.EqualTo(original.R));
        Assert.That(back.B, Is.EqualTo(original.B));
    }

    [Test]
    public void SaveAndLoadThroughDisk()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnn-onnx-{Guid.NewGuid():N}.onnx");
        try
        {
            var weights = RandomWeights(OnnxRecurrentOp.Lstm, OnnxDirection.Forward, false, 2, 2);
            OnnxRecurrentModel.Save(path, weights);
            Assert.That(OnnxRecurrentModel.Load(path).W, Is.EqualTo(weights.W));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void ImportAcceptsOtherValidEncodings()
    {
        // float_data instead of raw_data, FLOAT16 raw data, no B, explicit default activations, zero peepholes.
        var spec = new ModelSpec
        {
            FloatData = true, OmitBias = true, ZeroPeepholes = true, Activations = new[] { "Sigmoid", "Tanh", "Tanh" },
        };
        var w = OnnxRecurrentModel.Import(spec.Build(), "a.onnx");
        Assert.That(w.B, Is.All.EqualTo(0f));
        Assert.That(w.W[1], Is.EqualTo(spec.WValue(1)));

        var half = OnnxRecurrentModel.Import(new ModelSpec { Float16 = true }.Build(), "h.onnx");
        Assert.That(half.R[3], Is.EqualTo(spec.RValue(3)).Within(1e-3f));
    }

    [TestCaseSource(nameof(Unsupported))]
    public void UnsupportedOrMalformedModelIsRefused(byte[] model, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => OnnxRecurrentModel.Import(model, "bad.onnx"));
        Assert.That(error!.Message, Does.StartWith("bad.onnx: ").And.Contain(expected));
    }

    private static IEnumerable<TestCaseData> Unsupported()
    {
        byte[] good = new ModelSpec().Build();
        yield return Case("truncated", good[..(good.Length / 2)], "malformed protobuf");
        yield return Case("not protobuf", new byte[] { 0xFF, 0xFF, 0xFF }, "malformed protobuf");
        yield return Case("no graph", new ProtoWriter().Int64(P.Model.IrVersion, 7).ToArray(), "has no graph");
        yield return Case("old opset", new ModelSpec { Opset = 6 }.Build(), "opset 6 predates");
        yield return Case("two nodes", new ModelSpec { ExtraNode = true }.Build(),
            "the graph has 2 node(s): [LSTM, Relu]");
        yield return Case("other op", new ModelSpec { OpType = "RNN" }.Build(), "[RNN]");
        yield return Case("clip", new ModelSpec { Clip = 3f }.Build(), "uses \"clip\"");
        yield return Case("activations", new ModelSpec { Activations = new[] { "Sigmoid", "Relu", "Tanh" } }.Build(),
            "activations [Sigmoid, Relu, Tanh] are not the defaults");
        yield return Case("input_forget", new ModelSpec { InputForget = true }.Build(), "input_forget=1");
        yield return Case("layout", new ModelSpec { Layout = 1 }.Build(), "layout=1");
        yield return Case("W as graph input", new ModelSpec { WName = "W_input" }.Build(),
            "input W 'W_input' is not an initializer");
        yield return Case("wrong R shape", new ModelSpec { RRows = 7 }.Build(),
            "initializer 'R' is [1, 7, 2]; expected [1, 8, 2]");
        yield return Case("missing hidden_size", new ModelSpec { Hidden = 0 }.Build(), "hidden_size is missing");
        yield return Case("string hidden_size", new ModelSpec { HiddenAsString = true }.Build(),
            "attribute 'hidden_size' is not an integer");
        yield return Case("peepholes", new ModelSpec { Peepholes = true }.Build(), "non-zero peephole weights");
        yield return Case("bad direction", new ModelSpec { Direction = "sideways" }.Build(), "direction 'sideways'");
        yield return Case("int initializer", new ModelSpec { DataType = 7 }.Build(), "data_type 7");
        yield return Case("short data", new ModelSpec { ShortData = true }.Build(),
            "holds 15 floats; its dims need 16");
    }

    private static TestCaseData Case(string name, byte[] model, string expected) =>
        new TestCaseData(model, expected).SetName("Refused: " + name);

    private static OnnxRecurrentWeights RandomWeights(
        OnnxRecurrentOp op, OnnxDirection direction, bool lbr, int input, int hidden)
    {
        var rng = new Rng(41);
        int dirs = direction == OnnxDirection.Bidirectional ? 2 : 1;
        int g = op == OnnxRecurrentOp.Lstm ? 4 : 3;
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => rng.Uniform(-1f, 1f)).ToArray();
        return new OnnxRecurrentWeights(op, direction, input, hidden,
            R(dirs * g * hidden * input), R(dirs * g * hidden * hidden), R(dirs * 2 * g * hidden), lbr);
    }

    /// <summary>Hand-builds a one-node LSTM model (input 2, hidden 2) with knobs for each way to go wrong.</summary>
    private sealed class ModelSpec
    {
        public string OpType { get; init; } = "LSTM";
        public int Hidden { get; init; } = 2;
        public bool HiddenAsString { get; init; }
        public int Opset { get; init; } = 14;
        public string? Direction { get; init; }
        public float? Clip { get; init; }
        public string[]? Activations { get; init; }
        public bool InputForget { get; init; }
        public int Layout { get; init; }
        public bool ExtraNode { get; init; }
        public string WName { get; init; } = "W";
        public int RRows { get; init; } = 8;
        public bool OmitBias { get; init; }
        public bool Peepholes { get; init; }
        public bool ZeroPeepholes { get; init; }
        public bool FloatData { get; init; }
        public bool Float16 { get; init; }
        public int DataType { get; init; } = P.Tensor.Float;
        public bool ShortData { get; init; }

        public float WValue(int i) => 0.01f * i;

        public float RValue(int i) => -0.02f * i;

        public byte[] Build() => new ProtoWriter()
            .Int64(P.Model.IrVersion, 7)
            .Message(P.Model.Graph, Graph)
            .Message(P.Model.OpsetImport, o => o
                .String(P.OperatorSetId.Domain, "")
                .Int64(P.OperatorSetId.Version, Opset))
            .ToArray();

        private void Graph(ProtoWriter g)
        {
            g.Message(P.Graph.Node, Node);
            if (ExtraNode)
            {
                g.Message(P.Graph.Node, n => n
                    .String(P.Node.Input, "Y")
                    .String(P.Node.Output, "Z")
                    .String(P.Node.OpType, "Relu"));
            }

            g.Message(P.Graph.Initializer, t => Tensor(t, "W", new[] { 1, 8, 2 }, WValue));
            g.Message(P.Graph.Initializer, t => Tensor(t, "R", new[] { 1, RRows, 2 }, RValue));
            if (!OmitBias)
            {
                g.Message(P.Graph.Initializer, t => Tensor(t, "B", new[] { 1, 16 }, i => 0.1f));
            }

            if (Peepholes || ZeroPeepholes)
            {
                g.Message(P.Graph.Initializer, t => Tensor(t, "P", new[] { 1, 6 }, i => Peepholes ? 0.5f : 0f));
            }
        }

        private void Node(ProtoWriter n)
        {
            string bias = OmitBias ? "" : "B";
            string peepholes = Peepholes || ZeroPeepholes ? "P" : "";
            string[] inputs = { "X", WName, "R", bias, "", "", "", peepholes };
            foreach (string i in inputs)
            {
                n.String(P.Node.Input, i);
            }

            n.String(P.Node.Output, "Y").String(P.Node.OpType, OpType);
            if (Hidden > 0)
            {
                n.Message(P.Node.Attribute, a =>
                {
                    a.String(P.Attribute.Name, "hidden_size");
                    _ = HiddenAsString ? a.String(P.Attribute.S, "two") : a.Int64(P.Attribute.I, Hidden);
                });
            }

            if (Direction is not null)
            {
                n.Message(P.Node.Attribute, a => a
                    .String(P.Attribute.Name, "direction")
                    .String(P.Attribute.S, Direction));
            }

            if (Clip is not null)
            {
                n.Message(P.Node.Attribute, a => a.String(P.Attribute.Name, "clip").Float(P.Attribute.F, Clip.Value));
            }

            if (Activations is not null)
            {
                n.Message(P.Node.Attribute, a =>
                {
                    a.String(P.Attribute.Name, "activations").Int64(P.Attribute.Type, P.Attribute.TypeStrings);
                    foreach (string s in Activations)
                    {
                        a.String(P.Attribute.Strings, s);
                    }
                });
            }

            if (InputForget)
            {
                n.Message(P.Node.Attribute, a => a.String(P.Attribute.Name, "input_forget").Int64(P.Attribute.I, 1));
            }

            if (Layout != 0)
            {
                n.Message(P.Node.Attribute, a => a.String(P.Attribute.Name, "layout").Int64(P.Attribute.I, Layout));
            }
        }

        private void Tensor(ProtoWriter t, string name, int[] dims, Func<int, float> value)
        {
            foreach (int d in dims)
            {
                t.Int64(P.Tensor.Dims, d);
            }

            int count = dims.Aggregate(1, (a, b) => a * b) - (ShortData && name == "W" ? 1 : 0);
            t.Int64(P.Tensor.DataType, Float16 ? P.Tensor.Float16 : DataType).String(P.Tensor.Name, name);
            if (FloatData)
            {
                // float_data is a packed repeated float: fixed 4-byte little-endian values.
                var packed = Enumerable.Range(0, count).SelectMany(i => BitConverter.GetBytes(value(i)));
                t.Bytes(P.Tensor.FloatData, packed.ToArray());
                return;
            }

            byte[] raw = Float16
                ? Enumerable.Range(0, count).SelectMany(i => BitConverter.GetBytes((Half)value(i))).ToArray()
                : Enumerable.Range(0, count).SelectMany(i => BitConverter.GetBytes(value(i))).ToArray();
            t.Bytes(P.Tensor.RawData, raw);
        }
    }
}
