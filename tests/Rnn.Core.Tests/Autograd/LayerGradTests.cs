using Rnn.Core.Autograd;
using Rnn.Core.Nn;

namespace Rnn.Core.Tests.Autograd;

public sealed class LayerGradTests
{
    private static Tensor R(ulong seed, params int[] shape) => new Rng(seed).Uniform(Backends.Default, -1f, 1f, shape);

    private static void AssertParamsGrad(Module m, Func<Tensor, Tensor> forward, Tensor x)
    {
        var inputs = new[] { x }.Concat(m.Parameters().Select(p => p.Value)).ToArray();
        var r = GradCheck.Check(_ => forward(x), inputs);
        Assert.That(r.MaxRelError, Is.LessThan(2e-2f), r.ToString());
    }

    [Test]
    public void DenseWithActivation()
    {
        var d = new Dense(4, 3, new Rng(1), activation: UnaryOp.Tanh);
        AssertParamsGrad(d, d.Forward, R(2, 2, 5, 4));
    }

    [Test]
    public void LayerNormGammaBeta()
    {
        var ln = new LayerNorm(6);
        ln.Weight.Load(R(3, 6).ToArray());
        AssertParamsGrad(ln, ln.Forward, R(4, 3, 6));
    }

    [Test]
    public void EmbeddingPaddingGetsNoGradient()
    {
        var e = new Embedding(5, 3, new Rng(5), paddingIndex: 0);
        using var tape = Tape.Begin();
        var y = e.Forward(new[] { 0, 2, 2, 4 });
        Assert.That(y.ToArray().Take(3), Is.All.EqualTo(0f));
        tape.Backward(Ops.Sum(y));
        var g = e.Weight.Grad!.ToArray();
        Assert.That(g.Take(3), Is.All.EqualTo(0f));
        Assert.That(g.Skip(6).Take(3), Is.All.EqualTo(2f));
    }

    [Test]
    public void DropoutIsIdentityInEvalAndKeepsMeanInTraining()
    {
        var d = new Dropout(0.5f, new Rng(6));
        var x = Tensor.Full(1f, 10000);
        var train = d.Forward(x).ToArray();
        Assert.That(train.Average(), Is.EqualTo(1f).Within(0.05f));
        Assert.That(train.Count(v => v == 0f), Is.InRange(4500, 5500));
        d.Eval();
        Assert.That(d.Forward(x).ToArray(), Is.All.EqualTo(1f));
    }

    [Test]
    public void OrthogonalRowsAreOrthonormal()
    {
        var q = Init.Orthogonal(new Rng(7), 8, 8);
        for (int i = 0; i < 8; i++)
        {
            for (int j = 0; j < 8; j++)
            {
                float dot = 0;
                for (int c = 0; c < 8; c++)
                {
                    dot += q[i * 8 + c] * q[j * 8 + c];
                }

                Assert.That(dot, Is.EqualTo(i == j ? 1f : 0f).Within(1e-5f));
            }
        }
    }
}
