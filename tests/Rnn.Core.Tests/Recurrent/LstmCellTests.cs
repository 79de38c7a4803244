using static Rnn.Core.Tests.Recurrent.RecurrentTestUtil;

namespace Rnn.Core.Tests.Recurrent;

// Inside the namespace so the class Rnn wins over the root namespace Rnn.
using Rnn.Core.Recurrent;

public sealed class LstmCellTests
{
    [Test]
    public void ParameterLayoutAndForgetBias()
    {
        var cell = new LstmCell(3, 4, new Rng(1));
        Assert.That(cell.WeightIh.Value.ShapeArray, Is.EqualTo(new[] { 16, 3 }));
        Assert.That(cell.WeightHh.Value.ShapeArray, Is.EqualTo(new[] { 16, 4 }));
        var b = cell.Bias.Value.ToArray();
        Assert.That(b.Skip(4).Take(4), Is.All.EqualTo(1f));
        Assert.That(b.Take(4).Concat(b.Skip(8)), Is.All.EqualTo(0f));
        Assert.That(cell.NamedParameters().Select(p => p.Path), Is.EqualTo(new[] { "weight_ih", "weight_hh", "bias" }));
    }

    [Test]
    public void StepMatchesGateFormulas()
    {
        // hidden 1 so the four gates are single numbers we can evaluate by hand.
        var cell = new LstmCell(1, 1, new Rng(2));
        cell.WeightIh.Load(new[] { 0.5f, -0.3f, 0.8f, 0.2f });
        cell.WeightHh.Load(new[] { 0.1f, 0.4f, -0.6f, 0.7f });
        cell.Bias.Load(new[] { 0.05f, 1f, -0.1f, 0.2f });
        float x = 0.9f, h = -0.4f, c = 0.3f;
        var (y, s) = cell.Step(Tensor.FromArray(new[] { x }, 1, 1),
            new[] { Tensor.FromArray(new[] { h }, 1, 1), Tensor.FromArray(new[] { c }, 1, 1) });
        static float Sig(float v) => 1f / (1f + MathF.Exp(-v));
        float i = Sig(0.5f * x + 0.1f * h + 0.05f);
        float f = Sig(-0.3f * x + 0.4f * h + 1f);
        float g = MathF.Tanh(0.8f * x - 0.6f * h - 0.1f);
        float o = Sig(0.2f * x + 0.7f * h + 0.2f);
        float c2 = f * c + i * g;
        Assert.That(s[1].Item(), Is.EqualTo(c2).Within(1e-6f));
        Assert.That(y.Item(), Is.EqualTo(o * MathF.Tanh(c2)).Within(1e-6f));
    }

    [Test]
    public void GradientsWithRespectToInputStatesAndParameters()
    {
        var cell = new LstmCell(3, 4, new Rng(5));
        var x = R(7, 2, 3);
        var h = R(8, 2, 4);
        var c = R(9, 2, 4);

        // Weight both outputs h' and c' so the check covers the cell-state path too.
        var r = CheckWithParameters(cell, () =>
        {
            var (y, s) = cell.Step(x, new[] { h, c });
            return Ops.Concat(new[] { y, s[1] }, 1);
        }, x, h, c);
        Assert.That(r.MaxRelError, Is.LessThan(GradTolerance), r.ToString());
    }
}
