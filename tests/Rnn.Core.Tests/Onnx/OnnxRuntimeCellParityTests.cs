using Rnn.Core.Onnx;
using Rnn.Core.Recurrent;
using RnnLayer = Rnn.Core.Recurrent.Rnn;

namespace Rnn.Core.Tests.Onnx;

// Our LstmCell/GruCell run through the generic Rnn layer (fused kernel and step path) must give what
// ONNX Runtime gives for the exported node on the same weights and inputs. Tolerance 1e-5: both sides
// compute in float32 with different summation orders; over 6 steps with hidden 5 the differences
// stay near 1e-6, while a wrong gate order or reset convention is off by 1e-2 or more.
public sealed class OnnxRuntimeCellParityTests
{
    private const float Tolerance = 1e-5f;
    private const int Time = 6, Batch = 3, Input = 4, Hidden = 5;

    [TestCase(false, true)]
    [TestCase(false, false)]
    [TestCase(true, true)]
    public void LstmLayerMatchesOrt(bool goBackwards, bool fused)
    {
        var cell = new LstmCell(Input, Hidden, new Rng(51));
        var layer = Layer(cell, goBackwards, fused);
        var (x, h0, c0) = Inputs(52);

        var ours = layer.Forward(Ours(x), new[] { State(h0), State(c0) });
        var model = OnnxRecurrentModel.Export(
            OnnxRecurrentLayout.FromRnn(layer), new OnnxExportOptions { InitialStateInputs = true });
        var ort = OrtRunner.Run(model, x, (Time, Batch, Input, Hidden), h0, c0);

        AssertSequence(ours.Output, ort["Y"], direction: 0, directions: 1, goBackwards);
        AssertClose(ours.States[0].ToArray(), ort["Y_h"], "Y_h");
        AssertClose(ours.States[1].ToArray(), ort["Y_c"], "Y_c");
    }

    [TestCase(true, false, true)]
    [TestCase(false, false, true)]
    [TestCase(true, true, false)]
    [TestCase(false, true, false)]
    public void GruLayerMatchesOrtInBothResetConventions(bool resetAfter, bool goBackwards, bool fused)
    {
        var cell = new GruCell(Input, Hidden, new Rng(53), resetAfter);
        RandomizeBiases(cell, 54);   // zero-initialised biases would hide a swapped bias_hh
        var layer = Layer(cell, goBackwards, fused);
        var (x, h0, _) = Inputs(55);

        var ours = layer.Forward(Ours(x), new[] { State(h0) });
        var weights = OnnxRecurrentLayout.FromRnn(layer);
        Assert.That(weights.LinearBeforeReset, Is.EqualTo(resetAfter));
        var model = OnnxRecurrentModel.Export(weights, new OnnxExportOptions { InitialStateInputs = true });
        var ort = OrtRunner.Run(model, x, (Time, Batch, Input, Hidden), h0, null);

        AssertSequence(ours.Output, ort["Y"], direction: 0, directions: 1, goBackwards);
        AssertClose(ours.States[0].ToArray(), ort["Y_h"], "Y_h");
    }

    [TestCase(true)]
    [TestCase(false)]
    public void BidirectionalPairMatchesOrt(bool lstm)
    {
        // A forward and a go-backwards layer: ONNX "bidirectional" direction 0 and 1.
        IRnnCell fw = lstm ? new LstmCell(Input, Hidden, new Rng(56)) : new GruCell(Input, Hidden, new Rng(56));
        IRnnCell bw = lstm ? new LstmCell(Input, Hidden, new Rng(57)) : new GruCell(Input, Hidden, new Rng(57));
        var weights = lstm
            ? OnnxRecurrentLayout.FromCells(OnnxDirection.Bidirectional, (LstmCell)fw, (LstmCell)bw)
            : OnnxRecurrentLayout.FromCells(OnnxDirection.Bidirectional, (GruCell)fw, (GruCell)bw);
        var (x, _, _) = Inputs(58);
        var ort = OrtRunner.Run(OnnxRecurrentModel.Export(weights), x, (Time, Batch, Input, Hidden), null, null);

        var forward = Layer(fw, goBackwards: false, fused: true).Forward(Ours(x));
        var backward = Layer(bw, goBackwards: true, fused: true).Forward(Ours(x));
        AssertSequence(forward.Output, ort["Y"], direction: 0, directions: 2, goBackwards: false);
        AssertSequence(backward.Output, ort["Y"], direction: 1, directions: 2, goBackwards: true);
        int state = Batch * Hidden;
        AssertClose(forward.States[0].ToArray(), ort["Y_h"].AsSpan(0, state).ToArray(), "Y_h forward");
        AssertClose(backward.States[0].ToArray(), ort["Y_h"].AsSpan(state, state).ToArray(), "Y_h backward");
    }

    [TestCase(true)]
    [TestCase(false)]
    public void BidirectionalLayerMatchesOrt(bool lstm)
    {
        var options = new RnnOptions { ReturnSequences = true };
        IRnnCell Cell(ulong seed) =>
            lstm ? new LstmCell(Input, Hidden, new Rng(seed)) : new GruCell(Input, Hidden, new Rng(seed));
        var layer = new Bidirectional(Cell(63), Cell(64), options);
        layer.Eval();
        var (x, _, _) = Inputs(65);
        var ours = layer.Forward(Ours(x));
        var ort = OrtRunner.Run(
            OnnxRecurrentModel.Export(OnnxRecurrentLayout.FromBidirectional(layer)), x, (Time, Batch, Input, Hidden),
            null, null);

        // Concat merge: features [0, H) are direction 0, [H, 2H) direction 1, both aligned with input time.
        float[] o = ours.Output.ToArray();                                    // [batch, time, 2*hidden]
        for (int t = 0; t < Time; t++)
        {
            for (int n = 0; n < Batch; n++)
            {
                for (int d = 0; d < 2; d++)
                {
                    var mine = o.AsSpan(((n * Time + t) * 2 + d) * Hidden, Hidden).ToArray();
                    var theirs = ort["Y"].AsSpan(((t * 2 + d) * Batch + n) * Hidden, Hidden).ToArray();
                    AssertClose(mine, theirs, $"Y t={t} n={n} d={d}");
                }
            }
        }

        int perDirection = lstm ? 2 : 1;   // states: forward (h[, c]) then backward (h[, c])
        int state = Batch * Hidden;
        AssertClose(ours.States[0].ToArray(), ort["Y_h"].AsSpan(0, state).ToArray(), "Y_h forward");
        AssertClose(ours.States[perDirection].ToArray(), ort["Y_h"].AsSpan(state, state).ToArray(), "Y_h backward");
    }

    [Test]
    public void LoadIntoLayersChecksDirection()
    {
        var options = new RnnOptions { ReturnSequences = true };
        var source = new Bidirectional(new GruCell(Input, Hidden, new Rng(66)), new GruCell(Input, Hidden, new Rng(67)),
            options);
        var target = new Bidirectional(new GruCell(Input, Hidden, new Rng(68)), new GruCell(Input, Hidden, new Rng(69)),
            options);
        var bytes = OnnxRecurrentModel.Export(OnnxRecurrentLayout.FromBidirectional(source));
        var weights = OnnxRecurrentModel.Import(bytes);
        OnnxRecurrentLayout.LoadInto(weights, target);
        foreach (var ((name, a), (_, b)) in source.NamedParameters().Zip(target.NamedParameters()))
        {
            Assert.That(b.Value.ToArray(), Is.EqualTo(a.Value.ToArray()), name);
        }

        var forwardOnly = new RnnLayer(new GruCell(Input, Hidden, new Rng(70)));
        Assert.Throws<ArgumentException>(() => OnnxRecurrentLayout.LoadInto(weights, forwardOnly));
    }

    [Test]
    public void ImportedWeightsReproduceTheExportedLayer()
    {
        var source = new LstmCell(Input, Hidden, new Rng(59));
        var bytes = OnnxRecurrentModel.Export(OnnxRecurrentLayout.FromCells(OnnxDirection.Forward, source));
        var target = new LstmCell(Input, Hidden, new Rng(60));
        OnnxRecurrentLayout.ToLstmCell(OnnxRecurrentModel.Import(bytes, "lstm.onnx"), 0, target);

        foreach (var ((name, a), (_, b)) in source.NamedParameters().Zip(target.NamedParameters()))
        {
            Assert.That(b.Value.ToArray(), Is.EqualTo(a.Value.ToArray()), name);
        }
    }

    [Test]
    public void GruImportRefusesACellOfTheOtherResetConvention()
    {
        var weights = OnnxRecurrentLayout.FromCells(OnnxDirection.Forward, new GruCell(Input, Hidden, new Rng(61)));
        var before = new GruCell(Input, Hidden, new Rng(62), resetAfter: false);
        var error = Assert.Throws<ArgumentException>(() => OnnxRecurrentLayout.ToGruCell(weights, 0, before));
        Assert.That(error!.Message, Does.Contain("linear_before_reset=1 but the cell has resetAfter=False"));
    }

    private static RnnLayer Layer(IRnnCell cell, bool goBackwards, bool fused)
    {
        var layer = new RnnLayer(cell, new RnnOptions
        {
            ReturnSequences = true, GoBackwards = goBackwards, AllowFused = fused,
        });
        layer.Eval();
        return layer;
    }

    private static (float[] X, float[] H0, float[] C0) Inputs(ulong seed)
    {
        var rng = new Rng(seed);
        float[] Draw(int n, float scale) => Enumerable.Range(0, n).Select(_ => rng.Uniform(-scale, scale)).ToArray();
        return (Draw(Time * Batch * Input, 1f), Draw(Batch * Hidden, 0.5f), Draw(Batch * Hidden, 0.5f));
    }

    private static void RandomizeBiases(GruCell cell, ulong seed)
    {
        var rng = new Rng(seed);
        foreach (var p in new[] { cell.BiasIh, cell.BiasHh })
        {
            p.Load(Enumerable.Range(0, p.Value.Length).Select(_ => rng.Uniform(-0.5f, 0.5f)).ToArray());
        }
    }

    /// <summary>ONNX time-major X [time, batch, in] as our batch-major [batch, time, in].</summary>
    private static Tensor Ours(float[] x)
    {
        var result = new float[x.Length];
        for (int t = 0; t < Time; t++)
        {
            for (int n = 0; n < Batch; n++)
            {
                x.AsSpan((t * Batch + n) * Input, Input).CopyTo(result.AsSpan((n * Time + t) * Input, Input));
            }
        }

        return Tensor.FromArray(result, Batch, Time, Input);
    }

    private static Tensor State(float[] h) => Tensor.FromArray(h, Batch, Hidden);   // [batch, hidden]

    /// <summary>
    /// Our output [batch, time, H] against ONNX Y [time, dirs, batch, H] for one direction. A go-backwards
    /// layer returns steps in processing order (Keras), so its step s is ONNX time Time - 1 - s.
    /// </summary>
    private static void AssertSequence(Tensor ours, float[] y, int direction, int directions, bool goBackwards)
    {
        float[] o = ours.ToArray();
        for (int s = 0; s < Time; s++)
        {
            int t = goBackwards ? Time - 1 - s : s;
            for (int n = 0; n < Batch; n++)
            {
                var mine = o.AsSpan((n * Time + s) * Hidden, Hidden).ToArray();
                var theirs = y.AsSpan(((t * directions + direction) * Batch + n) * Hidden, Hidden).ToArray();
                AssertClose(mine, theirs, $"Y step {s} sample {n} direction {direction}");
            }
        }
    }

    private static void AssertClose(float[] ours, float[] ort, string what)
    {
        Assert.That(ours, Has.Length.EqualTo(ort.Length), what);
        for (int i = 0; i < ours.Length; i++)
        {
            Assert.That(ours[i], Is.EqualTo(ort[i]).Within(Tolerance), $"{what} element {i}");
        }
    }
}
