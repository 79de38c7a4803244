using Rnn.Core.Nn;
using Rnn.Core.Optim;

namespace Rnn.Core.Tests.Optim;

public sealed class GradientClippingTests
{
    private static Parameter WithGrad(float[] grad)
    {
        var p = new Parameter("p", Tensor.Zeros(grad.Length));
        p.Value.Grad = Tensor.FromArray(grad);
        return p;
    }

    [Test]
    public void ScalesToMaxNormAndReturnsTheNormBefore()
    {
        var a = WithGrad(new[] { 3f, 0f });
        var b = WithGrad(new[] { 0f, 4f, 0f });
        var none = new Parameter("n", Tensor.Zeros(2));
        float norm = GradientClipping.ClipByGlobalNorm(new[] { a, b, none }, 1f);
        Assert.That(norm, Is.EqualTo(5f).Within(1e-6f));
        Assert.That(a.Grad!.ToArray()[0], Is.EqualTo(0.6f).Within(1e-5f));
        Assert.That(b.Grad!.ToArray()[1], Is.EqualTo(0.8f).Within(1e-5f));
        Assert.That(GradientClipping.GlobalNorm(new[] { a, b }), Is.LessThanOrEqualTo(1f));
    }

    [Test]
    public void LeavesSmallAndNonFiniteGradientsAlone()
    {
        var a = WithGrad(new[] { 0.3f, 0.4f });
        Assert.That(GradientClipping.ClipByGlobalNorm(new[] { a }, 1f), Is.EqualTo(0.5f).Within(1e-6f));
        Assert.That(a.Grad!.ToArray(), Is.EqualTo(new[] { 0.3f, 0.4f }));
        var bad = WithGrad(new[] { float.NaN, 1f });
        Assert.That(float.IsNaN(GradientClipping.ClipByGlobalNorm(new[] { bad }, 1f)));
        Assert.That(bad.Grad!.ToArray()[1], Is.EqualTo(1f));
    }
}
