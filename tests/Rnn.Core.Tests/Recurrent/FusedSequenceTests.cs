using static Rnn.Core.Tests.Recurrent.RecurrentTestUtil;
using Rnn.Core.Autograd;
using Rnn.Core.Nn;

namespace Rnn.Core.Tests.Recurrent;

// Inside the namespace so the class Rnn wins over the root namespace Rnn.
using Rnn.Core.Recurrent;

/// <summary>The fused LSTM/GRU sequence kernels against the generic step-by-step path.</summary>
public sealed class FusedSequenceTests
{
    private static IRnnCell MakeCell(string kind, Rng rng) => kind switch
    {
        "lstm" => new LstmCell(4, 5, rng),
        "gru" => new GruCell(4, 5, rng, resetAfter: true),
        "gru-before" => new GruCell(4, 5, rng, resetAfter: false),
        _ => throw new ArgumentException(kind),
    };

    private sealed record Run(float[] Output, float[][] States, float[][] Grads, bool Fused);

    private static Run Execute(IRnnCell cell, RnnOptions options, bool fused, int[]? lengths, Tensor? mask)
    {
        var layer = new Rnn(cell, options with { AllowFused = fused });
        var x = R(20, 3, 6, 4);
        var initial = cell.StateShapes.Select((s, i) => R(30 + (ulong)i, new[] { 3 }.Concat(s).ToArray())).ToArray();
        var leaves = new[] { x }.Concat(initial).Concat(layer.Parameters().Select(p => p.Value)).ToArray();
        foreach (var t in leaves)
        {
            t.RequiresGrad = true;
            t.Grad = null;
        }

        using var tape = Tape.Begin();
        var result = layer.Forward(x, initial, lengths, mask);

        // A random weighting of the output and of every final state, so each gradient path counts.
        var loss = Ops.Sum(Ops.Mul(result.Output, R(40, result.Output.ShapeArray)));
        for (int i = 0; i < result.States.Length; i++)
        {
            loss = Ops.Add(loss, Ops.Sum(Ops.Mul(result.States[i], R(50 + (ulong)i, result.States[i].ShapeArray))));
        }

        tape.Backward(loss);
        return new Run(result.Output.ToArray(), result.States.Select(s => s.ToArray()).ToArray(),
            leaves.Select(t => t.Grad?.ToArray() ?? new float[t.Length]).ToArray(), layer.LastCallFused);
    }

    [Test]
    public void FusedMatchesStepPath(
        [Values("lstm", "gru", "gru-before")] string kind,
        [Values(false, true)] bool returnSequences,
        [Values(false, true)] bool goBackwards,
        [Values("none", "lengths", "mask")] string padding)
    {
        var cell = MakeCell(kind, new Rng(11));
        var options = new RnnOptions
        {
            ReturnSequences = returnSequences,
            GoBackwards = goBackwards,
        };
        int[]? lengths = padding == "lengths" ? new[] { 6, 3, 0 } : null;
        Tensor? mask = padding == "mask"
            ? Tensor.FromArray(new float[] { 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1 }, 3, 6)
            : null;

        var step = Execute(cell, options, fused: false, lengths, mask);
        var fused = Execute(cell, options, fused: true, lengths, mask);

        Assert.That(step.Fused, Is.False);
        Assert.That(fused.Fused, Is.True);

        // Same arithmetic in another order: float32 rounding differs by a few ulps per step.
        Assert.That(fused.Output, Is.EqualTo(step.Output).Within(1e-5f), "output");
        for (int i = 0; i < step.States.Length; i++)
        {
            Assert.That(fused.States[i], Is.EqualTo(step.States[i]).Within(1e-5f), $"state {i}");
        }

        for (int i = 0; i < step.Grads.Length; i++)
        {
            Assert.That(fused.Grads[i], Is.EqualTo(step.Grads[i]).Within(1e-4f), $"gradient of leaf {i}");
        }
    }

    [Test]
    public void FusedMatchesStepPathWithRecurrentAndInputDropout(
        [Values("lstm", "gru", "gru-before")] string kind, [Values] bool returnSequences)
    {
        // Same seed, so both paths draw the same per-sequence masks.
        var cell = MakeCell(kind, new Rng(12));
        var options = new RnnOptions
        {
            ReturnSequences = returnSequences,
            GoBackwards = true,
            RecurrentDropout = 0.4f,
            InputDropout = 0.2f,
            Seed = 21,
        };
        int[] lengths = { 6, 4, 1 };
        var step = Execute(cell, options, fused: false, lengths, null);
        var fused = Execute(cell, options, fused: true, lengths, null);
        Assert.That(fused.Fused, Is.True);
        Assert.That(fused.Output, Is.EqualTo(step.Output).Within(1e-5f), "output");
        for (int i = 0; i < step.Grads.Length; i++)
        {
            Assert.That(fused.Grads[i], Is.EqualTo(step.Grads[i]).Within(1e-4f), $"gradient of leaf {i}");
        }

        var plain = Execute(cell, options with { RecurrentDropout = 0f }, fused: true, lengths, null);
        Assert.That(fused.Output, Is.Not.EqualTo(plain.Output), "the recurrent mask changes the result");
    }

    // Hidden 32 and batch 6 take the CPU's fused step (GEMM and gates as one parallel region,
    // split by hidden units); padding by lengths runs through it too.
    [Test]
    public void FusedStepSizesMatchStepPath([Values("lstm", "gru")] string kind)
    {
        float[] Output(bool fused)
        {
            IRnnCell cell = kind == "lstm" ? new LstmCell(4, 32, new Rng(8)) : new GruCell(4, 32, new Rng(8));
            var layer = new Rnn(cell, new RnnOptions { ReturnSequences = true, AllowFused = fused });
            return layer.Forward(R(26, 6, 5, 4), lengths: new[] { 5, 3, 5, 0, 1, 5 }).Output.ToArray();
        }

        // Float sums in another order through 5 steps of tanh/sigmoid: 1e-5 with margin.
        Assert.That(Output(fused: true), Is.EqualTo(Output(fused: false)).Within(1e-5f));
    }

    // A steady-state fused training step allocates nothing per time step beyond the output
    // sequence and its gradient: the bytes a step of 24 steps allocates over one of 12 are just
    // those two tensors' 12 extra steps. One thread, so the count is this thread's alone; the
    // smallest of three tries, so a pool refill by another test cannot fail it.
    [Test]
    public void TrainingStepAllocatesNothingPerTimeStep([Values("lstm", "gru")] string kind)
    {
        var be = new CpuBackend(1);
        IRnnCell cell = kind == "lstm"
            ? new LstmCell(4, 32, new Rng(8), be)
            : new GruCell(4, 32, new Rng(8), backend: be);
        var layer = new Rnn(cell, new RnnOptions { ReturnSequences = true });
        long Bytes(int time)
        {
            var x = be.FromArray(new float[6 * time * 4], new[] { 6, time, 4 });
            var dy = be.FromArray(new float[6 * time * 32], new[] { 6, time, 32 });
            long best = long.MaxValue;
            for (int i = 0; i < 6; i++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                using (var tape = Tape.Begin())
                {
                    tape.Backward(layer.Forward(x).Output, dy);
                }

                layer.ZeroGrad();
                best = i >= 3 ? Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before) : best;
            }

            return best;
        }

        long outputsPerStep = 2L * 6 * 32 * sizeof(float);   // y and y.Grad, [batch, hidden] a step
        Assert.That(Bytes(24) - Bytes(12), Is.LessThanOrEqualTo(12 * outputsPerStep));
    }

    // The fused kernels keep their scratch in pooled buffers until the backward pass. Other fused
    // calls in between (inference ones that return their buffers at once, and a second training
    // pass) must not disturb a pending backward: the gradients match a run with nothing between.
    [Test]
    public void PendingBackwardSurvivesOtherFusedCalls([Values("lstm", "gru", "gru-before")] string kind)
    {
        float[] Gradient(bool interleave)
        {
            var layer = new Rnn(MakeCell(kind, new Rng(3)), new RnnOptions { ReturnSequences = true });
            var other = new Rnn(MakeCell(kind, new Rng(4)), new RnnOptions { ReturnSequences = true });
            using var tape = Tape.Begin();
            var y = layer.Forward(R(21, 3, 6, 4)).Output;
            if (interleave)
            {
                using (Tape.NoGrad())
                {
                    other.Forward(R(22, 3, 6, 4));
                    other.Forward(R(23, 3, 6, 4));
                }

                Ops.Sum(other.Forward(R(24, 3, 6, 4)).Output);   // a second pass left pending
            }

            tape.Backward(Ops.Sum(Ops.Mul(y, R(25, y.ShapeArray))));
            return layer.Parameters().SelectMany(p => p.Value.Grad!.ToArray()).ToArray();
        }

        Assert.That(Gradient(interleave: true), Is.EqualTo(Gradient(interleave: false)));
    }

    [Test]
    public void DropoutIsOffAtInference()
    {
        var cell = new LstmCell(4, 5, new Rng(3));
        var x = R(4, 2, 3, 4);
        var dropped = new Rnn(cell, new RnnOptions { RecurrentDropout = 0.3f, InputDropout = 0.3f });
        dropped.Eval();
        var plain = new Rnn(cell);
        Assert.That(dropped.Forward(x).Output.ToArray(), Is.EqualTo(plain.Forward(x).Output.ToArray()));
    }

    [Test]
    public void InputDropoutGivesSameResultOnBothPaths()
    {
        var cell = new GruCell(4, 5, new Rng(3));
        var x = R(4, 2, 3, 4);
        var options = new RnnOptions { InputDropout = 0.4f, Seed = 9, ReturnSequences = true };
        var a = new Rnn(cell, options with { AllowFused = false });
        var b = new Rnn(cell, options);
        Assert.That(b.Forward(x).Output.ToArray(), Is.EqualTo(a.Forward(x).Output.ToArray()).Within(1e-5f));
    }

    [Test]
    public void FusedSequenceIsOneTapeEntry()
    {
        var layer = new Rnn(new LstmCell(4, 5, new Rng(3)), new RnnOptions { ReturnSequences = true });
        var x = R(4, 2, 7, 4);
        using var tape = Tape.Begin();
        var y = layer.Forward(x, lengths: new[] { 7, 4 });
        Assert.That(tape.Count, Is.EqualTo(1), "one entry for all 7 steps");
        Assert.That(y.Output.RequiresGrad && y.States[0].RequiresGrad && y.States[1].RequiresGrad, Is.True);
    }

    [Test]
    public void ZeroLengthSequenceGivesEmptyOrZeroOutput()
    {
        var x = Tensor.Zeros(2, 0, 4);
        var seq = new Rnn(new GruCell(4, 3, new Rng(1)), new RnnOptions { ReturnSequences = true }).Forward(x);
        Assert.That(seq.Output.ShapeArray, Is.EqualTo(new[] { 2, 0, 3 }));
        var last = new Rnn(new GruCell(4, 3, new Rng(1))).Forward(x);
        Assert.That(last.Output.ShapeArray, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(last.Output.ToArray(), Is.All.EqualTo(0f));
    }
}
