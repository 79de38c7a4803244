using static Rnn.Core.Tests.Recurrent.RecurrentTestUtil;

namespace Rnn.Core.Tests.Recurrent;

// Inside the namespace so the class Rnn wins over the root namespace Rnn.
using Rnn.Core.Recurrent;

public sealed class ConvLstm2DCellTests
{
    [Test]
    public void ParameterLayout()
    {
        var cell = new ConvLstm2DCell(2, 3, 3, new Rng(1), 4, 5);
        var shapes = cell.NamedParameters().ToDictionary(p => p.Path, p => p.Parameter.Value.ShapeArray);
        Assert.That(shapes["weight_ih"], Is.EqualTo(new[] { 12, 2, 3, 3 }));
        Assert.That(shapes["weight_hh"], Is.EqualTo(new[] { 12, 3, 3, 3 }));
        Assert.That(shapes["bias"], Is.EqualTo(new[] { 12 }));
        Assert.That(cell.StateShapes, Is.EqualTo(new[] { new[] { 3, 4, 5 }, new[] { 3, 4, 5 } }));
    }

    [Test]
    public void OneByOneKernelIsAnLstmAtEveryPixel()
    {
        // With k = 1 each pixel is an independent LSTM with the same weights.
        var conv = new ConvLstm2DCell(2, 3, 1, new Rng(2), 2, 2);
        var lstm = new LstmCell(2, 3, new Rng(3));
        lstm.WeightIh.Load(conv.WeightIh.Value.ToArray());
        lstm.WeightHh.Load(conv.WeightHh.Value.ToArray());
        lstm.Bias.Load(R(4, 12).ToArray());
        conv.Bias.Load(lstm.Bias.Value.ToArray());
        var x = R(5, 1, 2, 2, 2);
        var h = R(6, 1, 3, 2, 2);
        var c = R(7, 1, 3, 2, 2);
        var (y, s) = conv.Step(x, new[] { h, c });

        // NCHW -> one row per pixel: [4 pixels, channels]
        static Tensor Pixels(Tensor t) => Ops.Reshape(Ops.Permute(t, 0, 2, 3, 1), 4, t.Dim(1));
        var (ly, ls) = lstm.Step(Pixels(x), new[] { Pixels(h), Pixels(c) });
        Assert.That(Pixels(y).ToArray(), Is.EqualTo(ly.ToArray()).Within(1e-6f));
        Assert.That(Pixels(s[1]).ToArray(), Is.EqualTo(ls[1].ToArray()).Within(1e-6f));
    }

    [Test]
    public void GradientsWithRespectToInputStatesAndParameters()
    {
        var cell = new ConvLstm2DCell(1, 2, 3, new Rng(8), 3, 3);
        var x = R(9, 1, 1, 3, 3);
        var h = R(10, 1, 2, 3, 3);
        var c = R(11, 1, 2, 3, 3);
        var r = CheckWithParameters(cell, () =>
        {
            var (y, s) = cell.Step(x, new[] { h, c });
            return Ops.Concat(new[] { y, s[1] }, 1);
        }, x, h, c);
        Assert.That(r.MaxRelError, Is.LessThan(GradTolerance), r.ToString());
    }

    [Test]
    public void RnnBuildsTheCellFromTheInputAndHonoursLengths()
    {
        var cell = new ConvLstm2DCell(1, 2, 3, new Rng(12));
        var layer = new Rnn(cell, new RnnOptions { ReturnSequences = true });
        var x = R(13, 2, 3, 1, 4, 4);
        var y = layer.Forward(x, lengths: new[] { 3, 1 }).Output;   // [2, 3, 2, 4, 4]
        Assert.That(y.ShapeArray, Is.EqualTo(new[] { 2, 3, 2, 4, 4 }));
        Assert.That(y.ToArray().Skip(3 * 32 + 32), Is.All.EqualTo(0f), "sample 1 steps 1 and 2 are padding");
        Assert.Throws<ArgumentException>(() => layer.Forward(R(14, 2, 3, 1, 5, 5)), "built for 4x4");
    }
}
