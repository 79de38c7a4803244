using Rnn.Core.Autograd;
using Rnn.Core.Nn;
using Rnn.Core.Optim;

namespace Rnn.Core.Tests.Optim;

public sealed class OptimizerTests
{
    public sealed class TwoParams : Module
    {
        public TwoParams()
        {
            A = AddParameter("a", Tensor.FromArray(new[] { 1f, -2f, 3f }));
            B = AddParameter("b", Tensor.FromArray(new[] { 0.5f, 0.5f }));
        }

        public Parameter A { get; }

        public Parameter B { get; }

        // f = sum((a - 1)^2) + sum(b^2): minimum at a = 1, b = 0.
        public Tensor Loss() =>
            Ops.Add(Ops.Sum(Ops.Square(Ops.AddScalar(A.Value, -1f))), Ops.Sum(Ops.Square(B.Value)));
    }

    private static float Train(IOptimizer opt, TwoParams model, int steps)
    {
        float loss = 0;
        for (int i = 0; i < steps; i++)
        {
            opt.ZeroGrad();
            using var tape = Tape.Begin();
            var l = model.Loss();
            loss = l.Item();
            tape.Backward(l);
            opt.Step();
        }

        return loss;
    }

    private static IEnumerable<Func<TwoParams, IOptimizer>> Optimizers()
    {
        yield return m => new Sgd(m.NamedParameters(), 0.1f);
        yield return m => new Sgd(m.NamedParameters(), 0.05f, momentum: 0.9f, nesterov: true);
        yield return m => new Adam(m.NamedParameters(), 0.1f);
        yield return m => new AdamW(m.NamedParameters(), 0.1f, weightDecay: 0.001f);
    }

    [TestCaseSource(nameof(Optimizers))]
    public void MinimisesAQuadratic(Func<TwoParams, IOptimizer> make)
    {
        var model = new TwoParams();
        var opt = make(model);
        float start = model.Loss().Item();
        float end = Train(opt, model, 150);
        Assert.That(end, Is.LessThan(start * 1e-3f), $"loss {start} -> {end}");
        Assert.That(opt.StepCount, Is.EqualTo(150));
    }

    [Test]
    public void FrozenAndGradlessParametersAreNotTouched()
    {
        var model = new TwoParams();
        model.B.Trainable = false;
        var opt = new Adam(model.NamedParameters(), 0.1f);
        using (var tape = Tape.Begin())
        {
            tape.Backward(model.Loss());
        }

        opt.Step();
        Assert.That(model.B.Value.ToArray(), Is.EqualTo(new[] { 0.5f, 0.5f }));
        Assert.That(model.A.Value.ToArray()[1], Is.Not.EqualTo(-2f));

        // After a releasing ZeroGrad, a step with no backward pass changes nothing.
        model.B.Trainable = true;
        opt.ZeroGrad(release: true);
        var before = model.A.Value.ToArray();
        opt.Step();
        Assert.That(model.A.Value.ToArray(), Is.EqualTo(before));
        Assert.That(model.A.Grad, Is.Null);
    }

    [Test]
    public void AdamWDecayDiffersFromL2()
    {
        // With a zero gradient, AdamW shrinks weights by exactly (1 - lr wd) per step; L2 Adam
        // instead feeds wd p through the moments and moves by about lr per step.
        var a = new Parameter("w", Tensor.FromArray(new[] { 2f }));
        var b = new Parameter("w", Tensor.FromArray(new[] { 2f }));
        var adamw = new AdamW(Optimizer.Named(new[] { a }), 0.1f, weightDecay: 0.5f);
        var adam = new Adam(Optimizer.Named(new[] { b }), 0.1f, weightDecay: 0.5f);
        a.Value.EnsureGrad();
        b.Value.EnsureGrad();
        adamw.Step();
        adam.Step();
        Assert.That(a.Value.Item(), Is.EqualTo(2f * 0.95f).Within(1e-6f));
        Assert.That(b.Value.Item(), Is.EqualTo(1.9f).Within(1e-5f));
    }

    [Test]
    public void ExportImportContinuesIdentically()
    {
        var straight = new TwoParams();
        var optStraight = new Adam(straight.NamedParameters(), 0.05f);
        Train(optStraight, straight, 10);

        var first = new TwoParams();
        var optFirst = new Adam(first.NamedParameters(), 0.05f);
        Train(optFirst, first, 4);
        var state = optFirst.ExportState();
        Assert.That(
            state.Buffers.Keys, Is.EquivalentTo(new[] { "a.exp_avg", "a.exp_avg_sq", "b.exp_avg", "b.exp_avg_sq" }));

        var resumed = new TwoParams();
        resumed.A.Load(first.A.Value.ToArray());
        resumed.B.Load(first.B.Value.ToArray());
        var optResumed = new Adam(resumed.NamedParameters(), 0.9f);
        optResumed.ImportState(state);
        Assert.That(optResumed.LearningRate, Is.EqualTo(0.05f));
        Train(optResumed, resumed, 6);

        Assert.That(resumed.A.Value.ToArray(), Is.EqualTo(straight.A.Value.ToArray()));
        Assert.That(resumed.B.Value.ToArray(), Is.EqualTo(straight.B.Value.ToArray()));
        Assert.That(optResumed.StepCount, Is.EqualTo(10));
    }

    [Test]
    public void ImportChecksKindNamesAndSizes()
    {
        var model = new TwoParams();
        var adam = new Adam(model.NamedParameters());
        var sgd = new Sgd(model.NamedParameters(), 0.1f, momentum: 0.5f);
        var wrongKind = new OptimizerState("sgd", 1, 0.1f, new Dictionary<string, float[]>());
        var wrongName = new OptimizerState(
            "adam", 1, 0.1f, new Dictionary<string, float[]> { ["c.exp_avg"] = new float[3] });
        var wrongSize = new OptimizerState(
            "adam", 1, 0.1f, new Dictionary<string, float[]> { ["a.exp_avg"] = new float[2] });
        Assert.That(() => adam.ImportState(wrongKind), Throws.ArgumentException.With.Message.Contains("'sgd'"));
        Assert.That(() => adam.ImportState(wrongName), Throws.ArgumentException.With.Message.Contains("c.exp_avg"));
        Assert.That(() => adam.ImportState(wrongSize), Throws.ArgumentException.With.Message.Contains("2 values"));
        Assert.That(() => sgd.ImportState(wrongSize), Throws.ArgumentException);
    }

    [Test]
    public void RejectsBadHyperParameters()
    {
        var model = new TwoParams();
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Adam(model.NamedParameters(), beta1: 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Sgd(model.NamedParameters(), -1f));
        Assert.Throws<ArgumentException>(() => _ = new Sgd(model.NamedParameters(), 0.1f, nesterov: true));
        var p = model.A;
        Assert.Throws<ArgumentException>(() => _ = new Sgd(new[] { ("x", p), ("y", p) }, 0.1f));
    }

    // A gradient disposed by its owner is no gradient to the optimizer and to clipping, as it is to
    // EnsureGrad and ZeroGrad: the step leaves that parameter alone (it threw ObjectDisposedException).
    [Test]
    public void ADisposedGradientIsSkippedByTheStepAndByClipping()
    {
        var model = new TwoParams();
        var opt = new Adam(model.NamedParameters(), 0.1f);
        using (var tape = Tape.Begin())
        {
            tape.Backward(model.Loss());
        }

        model.A.Value.Grad!.Dispose();
        float[] a = model.A.Value.ToArray(), b = model.B.Value.ToArray();

        Assert.That(model.A.Grad, Is.Null);
        Assert.That(GradientClipping.ClipByGlobalNorm(model.Parameters(), 1e-3f), Is.GreaterThan(0f));
        opt.Step();

        Assert.That(model.A.Value.ToArray(), Is.EqualTo(a));
        Assert.That(model.B.Value.ToArray(), Is.Not.EqualTo(b));
    }
}
