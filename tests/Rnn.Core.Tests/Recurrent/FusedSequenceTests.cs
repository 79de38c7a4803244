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

    private static PathRun Execute(IRnnCell cell, RnnOptions options, bool fused, int[]? lengths, Tensor? mask) =>
        RunPath(cell, options, fused, R(20, 3, 6, 4), lengths, mask);

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

        AssertPathsAgree(
            Execute(cell, options, fused: true, lengths, mask), Execute(cell, options, fused: false, lengths, mask));
    }

    [Test]
    public void FusedMatchesStepPathWithRecurrentAndInputDropout(
        [Values("lstm", "gru", "gru-before")] string kind, [Values] bool returnSequences)
    {
        var cell = MakeCell(kind, new Rng(12));
        int[] lengths = { 6, 4, 1 };
        AssertDropoutPathsAgree(returnSequences, (options, fused) => Execute(cell, options, fused, lengths, null));
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
        long Bytes(int time) => TrainingStepBytes(layer, be, new[] { 4 }, new[] { 32 }, 6, time);

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
