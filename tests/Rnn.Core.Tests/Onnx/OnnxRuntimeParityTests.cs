using Rnn.Core.Onnx;

namespace Rnn.Core.Tests.Onnx;

// Models written by OnnxRecurrentModel run in ONNX Runtime and must match a plain double-precision
// reference written from the cell contract's equations, on the same weights (our layout) and inputs.
// Tolerance 1e-5: ORT computes in float32; with |weights| <= 0.6 and a few steps the accumulated
// rounding stays near 1e-6, so 1e-5 catches any layout mistake (those give errors of order 0.1).
public sealed class OnnxRuntimeParityTests
{
    private const double Tolerance = 1e-5;
    private const int Time = 5, Batch = 2, Input = 3, Hidden = 4;

    [TestCase(OnnxDirection.Forward, false)]
    [TestCase(OnnxDirection.Reverse, false)]
    [TestCase(OnnxDirection.Bidirectional, false)]
    [TestCase(OnnxDirection.Forward, true)]
    public void LstmMatchesReference(OnnxDirection direction, bool initialState)
    {
        var cells = Cells(direction, seed => ContractCell.NewLstm(Input, Hidden, seed));
        var weights = OnnxRecurrentLayout.FromLstmCells(direction, cells);
        Compare(weights, cells, direction, resetAfter: false, initialState);
    }

    [TestCase(OnnxDirection.Forward, true)]
    [TestCase(OnnxDirection.Forward, false)]
    [TestCase(OnnxDirection.Reverse, true)]
    [TestCase(OnnxDirection.Bidirectional, true)]
    [TestCase(OnnxDirection.Bidirectional, false)]
    public void GruMatchesReference(OnnxDirection direction, bool linearBeforeReset)
    {
        var cells = Cells(direction, seed => ContractCell.NewGru(Input, Hidden, seed));
        var weights = OnnxRecurrentLayout.FromGruCells(direction, linearBeforeReset, cells);
        Compare(weights, cells, direction, linearBeforeReset, initialState: direction == OnnxDirection.Forward);
    }

    [Test]
    public void ImportedWeightsOfAnExportedModelRunTheSame()
    {
        var cells = Cells(OnnxDirection.Bidirectional, seed => ContractCell.NewGru(Input, Hidden, seed));
        var weights = OnnxRecurrentLayout.FromGruCells(OnnxDirection.Bidirectional, true, cells);
        var imported = OnnxRecurrentModel.Import(OnnxRecurrentModel.Export(weights), "gru.onnx");
        var fresh = Cells(OnnxDirection.Bidirectional, seed => ContractCell.NewGru(Input, Hidden, seed + 100));
        OnnxRecurrentLayout.ToGruCell(imported, 0, fresh[0]);
        OnnxRecurrentLayout.ToGruCell(imported, 1, fresh[1]);
        Compare(imported, fresh, OnnxDirection.Bidirectional, resetAfter: true, initialState: false);
    }

    private static ContractCell[] Cells(OnnxDirection direction, Func<ulong, ContractCell> make) =>
        direction == OnnxDirection.Bidirectional ? new[] { make(21), make(22) } : new[] { make(21) };

    private static void Compare(
        OnnxRecurrentWeights weights, ContractCell[] cells, OnnxDirection direction, bool resetAfter, bool initialState)
    {
        bool lstm = weights.Op == OnnxRecurrentOp.Lstm;
        int dirs = cells.Length;
        var rng = new Rng(31);
        float[] x = Random(rng, Time * Batch * Input, 1f);                    // [time, batch, in]
        float[] h0 = initialState ? Random(rng, dirs * Batch * Hidden, 0.5f) : new float[dirs * Batch * Hidden];
        float[] c0 = initialState ? Random(rng, dirs * Batch * Hidden, 0.5f) : new float[dirs * Batch * Hidden];

        var export = new OnnxExportOptions { InitialStateInputs = initialState };
        var ort = OrtRunner.Run(OnnxRecurrentModel.Export(weights, export), x, (Time, Batch, Input, Hidden),
            initialState ? h0 : null, initialState && lstm ? c0 : null);

        int state = Batch * Hidden;
        for (int d = 0; d < dirs; d++)
        {
            bool reverse = direction == OnnxDirection.Reverse || d == 1;
            var (y, h, c) = cells[d].Run(x, Time, Batch, reverse, resetAfter,
                h0.AsSpan(d * state, state).ToArray(), c0.AsSpan(d * state, state).ToArray());
            for (int t = 0; t < Time; t++)
            {
                // ORT Y is [time, dirs, batch, H].
                var onnxStep = ort["Y"].AsSpan((t * dirs + d) * state, state);
                AssertClose(onnxStep, y.AsSpan(t * state, state), $"Y t={t} dir={d}");
            }

            AssertClose(ort["Y_h"].AsSpan(d * state, state), h, $"Y_h dir={d}");
            if (lstm)
            {
                AssertClose(ort["Y_c"].AsSpan(d * state, state), c, $"Y_c dir={d}");
            }
        }
    }

    private static void AssertClose(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), what);
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(Tolerance), $"{what} element {i}");
        }
    }

    private static float[] Random(Rng rng, int n, float scale) =>
        Enumerable.Range(0, n).Select(_ => rng.Uniform(-scale, scale)).ToArray();
}
