using Rnn.Core.Onnx;

namespace Rnn.Core.Tests.Onnx;

public sealed class OnnxRecurrentLayoutTests
{
    [Test]
    public void LstmGateBlocksMoveFromIfgoToIofc()
    {
        const int input = 2, hidden = 3;
        var cell = ContractCell.NewLstm(input, hidden, seed: 1);
        var onnx = OnnxRecurrentLayout.FromLstmCells(OnnxDirection.Forward, cell);
        float[] wih = cell.Get("weight_ih"), whh = cell.Get("weight_hh"), bias = cell.Get("bias");

        // ONNX block k <- our block: i <- i (0), o <- o (3), f <- f (1), c <- g (2).
        int[] ours = { 0, 3, 1, 2 };
        for (int k = 0; k < 4; k++)
        {
            Assert.That(onnx.W.AsSpan(k * hidden * input, hidden * input).ToArray(),
                Is.EqualTo(wih.AsSpan(ours[k] * hidden * input, hidden * input).ToArray()), $"W block {k}");
            Assert.That(onnx.R.AsSpan(k * hidden * hidden, hidden * hidden).ToArray(),
                Is.EqualTo(whh.AsSpan(ours[k] * hidden * hidden, hidden * hidden).ToArray()), $"R block {k}");
            Assert.That(onnx.B.AsSpan(k * hidden, hidden).ToArray(),
                Is.EqualTo(bias.AsSpan(ours[k] * hidden, hidden).ToArray()), $"Wb block {k}");
        }

        Assert.That(onnx.B.AsSpan(4 * hidden).ToArray(), Is.All.EqualTo(0f), "Rb is zero: our LSTM has one bias");
        Assert.That(onnx.WShape, Is.EqualTo(new[] { 1, 12, 2 }));
        Assert.That(onnx.BShape, Is.EqualTo(new[] { 1, 24 }));
    }

    [Test]
    public void LstmImportSumsBothOnnxBiases()
    {
        var cell = ContractCell.NewLstm(2, 2, seed: 2);
        var onnx = OnnxRecurrentLayout.FromLstmCells(OnnxDirection.Forward, cell);
        float[] b = (float[])onnx.B.Clone();
        for (int i = 0; i < 8; i++)
        {
            b[8 + i] = 0.25f * (i + 1);     // a non-zero Rb, as other exporters write
        }

        var withRb = new OnnxRecurrentWeights(OnnxRecurrentOp.Lstm, OnnxDirection.Forward, 2, 2, onnx.W, onnx.R, b);
        var target = ContractCell.NewLstm(2, 2, seed: 3);
        OnnxRecurrentLayout.ToLstmCell(withRb, 0, target);

        float[] expected = cell.Get("bias");
        int[] onnxBlockOfOurs = { 0, 2, 3, 1 };
        for (int j = 0; j < 8; j++)
        {
            expected[j] += b[8 + onnxBlockOfOurs[j / 2] * 2 + j % 2];
        }

        Assert.That(target.Get("bias"), Is.EqualTo(expected).Within(1e-6f));
        Assert.That(target.Get("weight_ih"), Is.EqualTo(cell.Get("weight_ih")));
    }

    [Test]
    public void GruKeepsGateOrderAndBothBiases()
    {
        var cell = ContractCell.NewGru(3, 2, seed: 4);
        var onnx = OnnxRecurrentLayout.FromGruCells(OnnxDirection.Forward, true, cell);
        Assert.That(onnx.W, Is.EqualTo(cell.Get("weight_ih")));
        Assert.That(onnx.R, Is.EqualTo(cell.Get("weight_hh")));
        Assert.That(onnx.B, Is.EqualTo(cell.Get("bias_ih").Concat(cell.Get("bias_hh")).ToArray()));
        Assert.That(onnx.LinearBeforeReset, Is.True);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void BidirectionalRoundTripRestoresBothCells(bool lstm)
    {
        var fw = lstm ? ContractCell.NewLstm(3, 4, 5) : ContractCell.NewGru(3, 4, 5);
        var bw = lstm ? ContractCell.NewLstm(3, 4, 6) : ContractCell.NewGru(3, 4, 6);
        var onnx = lstm
            ? OnnxRecurrentLayout.FromLstmCells(OnnxDirection.Bidirectional, fw, bw)
            : OnnxRecurrentLayout.FromGruCells(OnnxDirection.Bidirectional, false, fw, bw);
        Assert.That(onnx.Directions, Is.EqualTo(2));

        var fw2 = lstm ? ContractCell.NewLstm(3, 4, 7) : ContractCell.NewGru(3, 4, 7);
        var bw2 = lstm ? ContractCell.NewLstm(3, 4, 8) : ContractCell.NewGru(3, 4, 8);
        Action<OnnxRecurrentWeights, int, ContractCell> load = lstm
            ? (w, d, c) => OnnxRecurrentLayout.ToLstmCell(w, d, c)
            : (w, d, c) => OnnxRecurrentLayout.ToGruCell(w, d, c);
        load(onnx, 0, fw2);
        load(onnx, 1, bw2);

        foreach (var (name, p) in fw.NamedParameters())
        {
            Assert.That(fw2.Get(name), Is.EqualTo(p.Value.ToArray()), "forward " + name);
            Assert.That(bw2.Get(name), Is.EqualTo(bw.Get(name)), "backward " + name);
        }
    }

    [Test]
    public void WrongCellsAreRefusedWithTheReason()
    {
        var lstm = ContractCell.NewLstm(3, 4, 9);
        var gru = ContractCell.NewGru(3, 4, 9);
        var small = ContractCell.NewLstm(3, 2, 9);

        var e1 = Assert.Throws<ArgumentException>(
            () => OnnxRecurrentLayout.FromGruCells(OnnxDirection.Forward, true, lstm));
        Assert.That(e1!.Message, Does.Contain("lacks bias_ih, bias_hh"));
        var e2 = Assert.Throws<ArgumentException>(() => OnnxRecurrentLayout.FromLstmCells(OnnxDirection.Forward, gru));
        Assert.That(e2!.Message, Does.Contain("lacks bias"));
        var e3 = Assert.Throws<ArgumentException>(
            () => OnnxRecurrentLayout.FromLstmCells(OnnxDirection.Bidirectional, lstm));
        Assert.That(e3!.Message, Does.Contain("needs 2 cell(s); got 1"));
        var e4 = Assert.Throws<ArgumentException>(
            () => OnnxRecurrentLayout.FromLstmCells(OnnxDirection.Bidirectional, lstm, small));
        Assert.That(e4!.Message, Does.Contain("hidden 2; expected input 3, hidden 4"));
        var onnx = OnnxRecurrentLayout.FromLstmCells(OnnxDirection.Forward, lstm);
        Assert.Throws<ArgumentException>(() => OnnxRecurrentLayout.ToGruCell(onnx, 0, gru));
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxRecurrentLayout.ToLstmCell(onnx, 1, lstm));
    }
}
