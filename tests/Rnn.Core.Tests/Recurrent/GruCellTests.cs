using static Rnn.Core.Tests.Recurrent.RecurrentTestUtil;

namespace Rnn.Core.Tests.Recurrent;

// Inside the namespace so the class Rnn wins over the root namespace Rnn.
using Rnn.Core.Recurrent;

public sealed class GruCellTests
{
    [Test]
    public void ParameterLayout()
    {
        var cell = new GruCell(3, 4, new Rng(1));
        Assert.That(cell.NamedParameters().Select(p => p.Path),
            Is.EqualTo(new[] { "weight_ih", "weight_hh", "bias_ih", "bias_hh" }));
        Assert.That(cell.WeightIh.Value.ShapeArray, Is.EqualTo(new[] { 12, 3 }));
        Assert.That(cell.WeightHh.Value.ShapeArray, Is.EqualTo(new[] { 12, 4 }));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void StepMatchesFormulas(bool resetAfter)
    {
        var cell = new GruCell(1, 1, new Rng(2), resetAfter);
        cell.WeightIh.Load(new[] { 0.5f, -0.3f, 0.8f });
        cell.WeightHh.Load(new[] { 0.1f, 0.4f, -0.6f });
        cell.BiasIh.Load(new[] { 0.05f, 0.1f, -0.1f });
        cell.BiasHh.Load(new[] { -0.2f, 0.3f, 0.25f });
        float x = 0.9f, h = -0.4f;
        var (y, _) = cell.Step(Tensor.FromArray(new[] { x }, 1, 1), new[] { Tensor.FromArray(new[] { h }, 1, 1) });
        static float Sig(float v) => 1f / (1f + MathF.Exp(-v));
        float z = Sig(0.5f * x + 0.05f + 0.1f * h - 0.2f);
        float r = Sig(-0.3f * x + 0.1f + 0.4f * h + 0.3f);
        float n = resetAfter
            ? MathF.Tanh(0.8f * x - 0.1f + r * (-0.6f * h + 0.25f))
            : MathF.Tanh(0.8f * x - 0.1f + -0.6f * (r * h) + 0.25f);
        Assert.That(y.Item(), Is.EqualTo(z * h + (1 - z) * n).Within(1e-6f));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void GradientsWithRespectToInputStateAndParameters(bool resetAfter)
    {
        var cell = new GruCell(3, 4, new Rng(5), resetAfter);
        cell.BiasIh.Load(R(10, 12).ToArray());
        cell.BiasHh.Load(R(11, 12).ToArray());
        var x = R(7, 2, 3);
        var h = R(8, 2, 4);
        var r = CheckWithParameters(cell, () => cell.Step(x, new[] { h }).Output, x, h);
        Assert.That(r.MaxRelError, Is.LessThan(GradTolerance), r.ToString());
    }
}
