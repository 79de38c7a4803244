using static Rnn.Core.Tests.Recurrent.RecurrentTestUtil;
using Rnn.Core.Autograd;
using Rnn.Core.Nn;

namespace Rnn.Core.Tests.Recurrent;

// Inside the namespace so the class Rnn wins over the root namespace Rnn.
using Rnn.Core.Recurrent;

public sealed class RnnTests
{
    /// <summary>A probe cell: emits the input it got and the first state it got, and sets its state to ones.</summary>
    private sealed class ProbeCell : Module, IRnnCell
    {
        public IReadOnlyList<int[]> StateShapes => new[] { new[] { 3 } };

        public int[] OutputShape => new[] { 6 };

        public Tensor[] InitialState(int batch, IBackend backend) => new[] { backend.Zeros(new[] { batch, 3 }) };

        public (Tensor Output, Tensor[] States) Step(Tensor input, Tensor[] states) =>
            (Ops.Concat(new[] { input, states[0] }, 1), new[] { Tensor.Full(1f, input.Dim(0), 3) });
    }

    private static float[] Row(Tensor t, int b, int step)
    {
        int time = t.Dim(1);
        int f = t.Length / (t.Dim(0) * time);
        return t.ToArray().Skip((b * time + step) * f).Take(f).ToArray();
    }

    [Test]
    public void PaddedStepsEmitZerosKeepStateAndLastOutputIsLastValidStep([Values] bool fused)
    {
        var cell = new LstmCell(3, 4, new Rng(1));
        var x = R(2, 2, 5, 3);
        var seq = new Rnn(cell, new RnnOptions { ReturnSequences = true, AllowFused = fused });
        var last = new Rnn(cell, new RnnOptions { AllowFused = fused });
        var full = seq.Forward(x, lengths: new[] { 5, 2 });

        Assert.That(Row(full.Output, 1, 2).Concat(Row(full.Output, 1, 4)), Is.All.EqualTo(0f));

        // Sample 1 alone, cut to its 2 real steps, must give the same final state and last output.
        var alone = seq.Forward(Ops.Slice(Ops.Slice(x, 0, 1, 1), 1, 0, 2));
        Assert.That(full.States[0].ToArray().Skip(4), Is.EqualTo(alone.States[0].ToArray()).Within(1e-6f));
        Assert.That(full.States[1].ToArray().Skip(4), Is.EqualTo(alone.States[1].ToArray()).Within(1e-6f));
        var lastOut = last.Forward(x, lengths: new[] { 5, 2 }).Output;
        Assert.That(lastOut.ToArray().Skip(4), Is.EqualTo(Row(full.Output, 1, 1)).Within(1e-6f));
        Assert.That(lastOut.ToArray().Take(4), Is.EqualTo(Row(full.Output, 0, 4)).Within(1e-6f));
    }

    [Test]
    public void GoBackwardsWithLengthsReversesOnlyTheValidPart([Values] bool fused)
    {
        var cell = new GruCell(2, 3, new Rng(3));
        var x = R(4, 1, 5, 2);
        var back = new Rnn(cell, new RnnOptions { ReturnSequences = true, GoBackwards = true, AllowFused = fused });
        var fwd = new Rnn(cell, new RnnOptions { ReturnSequences = true, AllowFused = fused });
        var got = back.Forward(x, lengths: new[] { 3 });

        var steps = Enumerable.Range(0, 3).Reverse().Select(t => Ops.Slice(x, 1, t, 1)).ToArray();
        var expected = fwd.Forward(Ops.Concat(steps, 1));
        for (int t = 0; t < 3; t++)
        {
            Assert.That(Row(got.Output, 0, t), Is.EqualTo(Row(expected.Output, 0, t)).Within(1e-6f), $"step {t}");
        }

        Assert.That(Row(got.Output, 0, 3).Concat(Row(got.Output, 0, 4)), Is.All.EqualTo(0f));
        Assert.That(got.States[0].ToArray(), Is.EqualTo(expected.States[0].ToArray()).Within(1e-6f));
    }

    [Test]
    public void PrefixMaskEqualsLengthsAndPaddingGetsNoGradient()
    {
        var cell = new SimpleRnnCell(2, 3, new Rng(5));
        var layer = new Rnn(cell, new RnnOptions { ReturnSequences = true });
        var x = R(6, 2, 4, 2);
        var mask = Tensor.FromArray(new float[] { 1, 1, 1, 1, 1, 1, 0, 0 }, 2, 4);
        x.RequiresGrad = true;
        using var tape = Tape.Begin();
        var byMask = layer.Forward(x, mask: mask);
        var byLengths = layer.Forward(x, lengths: new[] { 4, 2 });
        Assert.That(byMask.Output.ToArray(), Is.EqualTo(byLengths.Output.ToArray()));
        tape.Backward(Ops.Sum(Ops.Mul(byMask.Output, R(7, 2, 4, 3))));
        var g = x.Grad!.ToArray();
        Assert.That(g.Skip(12), Is.All.EqualTo(0f), "padded steps of sample 1");
        Assert.That(g.Take(8).Any(v => v != 0f), Is.True);
    }

    [Test]
    public void StatefulCallsContinueWhereTheLastOneStopped([Values] bool fused)
    {
        var cell = new LstmCell(2, 3, new Rng(8));
        var x = R(9, 2, 6, 2);
        var whole = new Rnn(cell, new RnnOptions { AllowFused = fused }).Forward(x);
        var stateful = new Rnn(cell, new RnnOptions { Stateful = true, AllowFused = fused });
        stateful.Forward(Ops.Slice(x, 1, 0, 3));
        var second = stateful.Forward(Ops.Slice(x, 1, 3, 3));
        Assert.That(second.Output.ToArray(), Is.EqualTo(whole.Output.ToArray()).Within(1e-6f));

        stateful.ResetStates();
        var fresh = stateful.Forward(Ops.Slice(x, 1, 3, 3));
        var reference = new Rnn(cell, new RnnOptions { AllowFused = fused }).Forward(Ops.Slice(x, 1, 3, 3));
        Assert.That(fresh.Output.ToArray(), Is.EqualTo(reference.Output.ToArray()).Within(1e-6f));
        Assert.Throws<ArgumentException>(() => stateful.Forward(R(1, 3, 2, 2)), "batch changed without ResetStates");
    }

    [Test]
    public void InputAndRecurrentDropoutUseOneMaskPerSequence()
    {
        var layer = new Rnn(new ProbeCell(), new RnnOptions
        {
            ReturnSequences = true,
            InputDropout = 0.5f,
            RecurrentDropout = 0.5f,
            Seed = 4,
        });
        var x = Tensor.Full(1f, 4, 5, 3);
        var y = layer.Forward(x).Output;   // [4, 5, 6]: 3 input features, 3 state features
        int dropped = 0;
        for (int b = 0; b < 4; b++)
        {
            var first = Row(y, b, 1);
            for (int t = 1; t < 5; t++)
            {
                Assert.That(Row(y, b, t), Is.EqualTo(first), $"sample {b} step {t}: mask changed within the sequence");
            }

            Assert.That(first, Is.All.EqualTo(0f).Or.EqualTo(2f), "inverted dropout scales kept units by 1/(1-rate)");
            dropped += first.Count(v => v == 0f);
        }

        Assert.That(dropped, Is.InRange(3, 21), "about half of 24 units dropped");
        layer.Eval();
        Assert.That(Row(layer.Forward(x).Output, 0, 2), Is.EqualTo(new float[] { 1, 1, 1, 1, 1, 1 }));
    }

    [Test]
    public void ReturnsInitialStateWhenNoStepIsValid([Values] bool fused)
    {
        var cell = new GruCell(2, 3, new Rng(10));
        var h0 = R(11, 1, 3);
        var layer = new Rnn(cell, new RnnOptions { AllowFused = fused });
        var result = layer.Forward(R(12, 1, 4, 2), new[] { h0 }, new[] { 0 });
        Assert.That(result.States[0].ToArray(), Is.EqualTo(h0.ToArray()));
        Assert.That(result.Output.ToArray(), Is.All.EqualTo(0f));
    }

    // An empty batch (the last batch of a filtered data set, say) is a batch like any other: the
    // step path once divided by the zero feature count it worked out from an empty tensor.
    [Test]
    public void EmptyBatchGivesEmptyOutputsOnEveryPath(
        [Values("probe", "simple", "lstm", "gru")] string kind, [Values] bool fused, [Values] bool sequences)
    {
        var rng = new Rng(13);
        IRnnCell cell = kind switch
        {
            "probe" => new ProbeCell(),
            "simple" => new SimpleRnnCell(3, 6, rng),
            "lstm" => new LstmCell(3, 6, rng),
            _ => new GruCell(3, 6, rng),
        };
        var layer = new Rnn(cell, new RnnOptions { ReturnSequences = sequences, AllowFused = fused });
        var x = Tensor.Zeros(0, 4, 3);
        x.RequiresGrad = true;

        using var tape = Tape.Begin();
        var result = layer.Forward(x);
        tape.Backward(Ops.Sum(result.Output));

        int[] expected = sequences ? new[] { 0, 4, 6 } : new[] { 0, 6 };
        Assert.That(result.Output.ShapeArray, Is.EqualTo(expected));
        Assert.That(result.States.Select(s => s.Dim(0)), Is.All.EqualTo(0));
        Assert.That(x.Grad?.ShapeArray ?? x.ShapeArray, Is.EqualTo(new[] { 0, 4, 3 }));
    }

    [Test]
    public void GradCheckThroughLayerWithLengthsAndGoBackwards(
        [Values("simple", "lstm", "gru", "gru-before")] string kind, [Values] bool fused)
    {
        IRnnCell cell = kind switch
        {
            "simple" => new SimpleRnnCell(2, 3, new Rng(13)),
            "lstm" => new LstmCell(2, 3, new Rng(13)),
            _ => new GruCell(2, 3, new Rng(13), resetAfter: kind == "gru"),
        };
        var layer = new Rnn(cell, new RnnOptions { ReturnSequences = true, GoBackwards = true, AllowFused = fused });
        var x = R(14, 2, 4, 2);
        var init = cell.StateShapes.Select((s, i) => R(15 + (ulong)i, 2, s[0])).ToArray();
        var r = CheckWithParameters(layer, () =>
        {
            var res = layer.Forward(x, init, new[] { 4, 3 });
            return Ops.Concat(new[] { Ops.Reshape(res.Output, 2, -1) }.Concat(res.States).ToArray(), 1);
        }, new[] { x }.Concat(init).ToArray());
        Assert.That(r.MaxRelError, Is.LessThan(GradTolerance), r.ToString());
    }

    [Test]
    public void GradCheckWithMaskAndLastOutput([Values] bool fused)
    {
        var cell = new LstmCell(2, 3, new Rng(16));
        var layer = new Rnn(cell, new RnnOptions { AllowFused = fused });
        var x = R(17, 2, 4, 2);
        var mask = Tensor.FromArray(new float[] { 1, 0, 1, 1, 1, 1, 0, 0 }, 2, 4);
        var r = CheckWithParameters(layer, () => layer.Forward(x, mask: mask).Output, x);
        Assert.That(r.MaxRelError, Is.LessThan(GradTolerance), r.ToString());
    }
}
