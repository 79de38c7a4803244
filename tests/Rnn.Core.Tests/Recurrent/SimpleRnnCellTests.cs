using static Rnn.Core.Tests.Recurrent.RecurrentTestUtil;

namespace Rnn.Core.Tests.Recurrent;

// Inside the namespace so the class Rnn wins over the root namespace Rnn.
using Rnn.Core.Recurrent;

public sealed class SimpleRnnCellTests
{
    [Test]
    public void ParameterNamesAndShapes()
    {
        var cell = new SimpleRnnCell(3, 5, new Rng(1));
        var shapes = cell.NamedParameters().ToDictionary(p => p.Path, p => p.Parameter.Value.ShapeArray);
        Assert.That(shapes["weight_ih"], Is.EqualTo(new[] { 5, 3 }));
        Assert.That(shapes["weight_hh"], Is.EqualTo(new[] { 5, 5 }));
        Assert.That(shapes["bias"], Is.EqualTo(new[] { 5 }));
    }

    [Test]
    public void StepMatchesFormula()
    {
        var cell = new SimpleRnnCell(2, 2, new Rng(2));
        var x = R(3, 1, 2);
        var h = R(4, 1, 2);
        var (y, _) = cell.Step(x, new[] { h });
        var w = cell.WeightIh.Value.ToArray();
        var u = cell.WeightHh.Value.ToArray();
        var xs = x.ToArray();
        var hs = h.ToArray();
        for (int j = 0; j < 2; j++)
        {
            float pre = w[j * 2] * xs[0] + w[j * 2 + 1] * xs[1] + u[j * 2] * hs[0] + u[j * 2 + 1] * hs[1];
            Assert.That(y.ToArray()[j], Is.EqualTo(MathF.Tanh(pre)).Within(1e-5f));
        }
    }

    [Test]
    public void GradientsWithRespectToInputStateAndParameters()
    {
        var cell = new SimpleRnnCell(3, 4, new Rng(5));
        cell.Bias.Load(R(6, 4).ToArray());
        var x = R(7, 2, 3);
        var h = R(8, 2, 4);
        var r = CheckWithParameters(cell, () => cell.Step(x, new[] { h }).Output, x, h);
        Assert.That(r.MaxRelError, Is.LessThan(GradTolerance), r.ToString());
    }
}
