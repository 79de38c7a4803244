using static Rnn.Core.Tests.Recurrent.RecurrentTestUtil;
using Rnn.Core.Autograd;

namespace Rnn.Core.Tests.Recurrent;

// Inside the namespace so the class Rnn wins over the root namespace Rnn.
using Rnn.Core.Recurrent;

/// <summary>The fused ConvLSTM sequence kernel against the generic step-by-step path.</summary>
public sealed class ConvLstmSequenceTests
{
    private const int Batch = 3, Time = 4, InChannels = 2, Filters = 3;

    // x [3, 4, 2, height, width].
    private static PathRun Execute(ConvLstm2DCell cell, RnnOptions options, bool fused, int[]? lengths, Tensor? mask) =>
        RunPath(cell, options, fused, R(20, Batch, Time, InChannels, cell.Height, cell.Width), lengths, mask);

    [Test]
    public void FusedMatchesStepPath(
        [Values(false, true)] bool returnSequences,
        [Values(false, true)] bool goBackwards,
        [Values("none", "lengths", "mask")] string padding)
    {
        var cell = new ConvLstm2DCell(InChannels, Filters, 3, new Rng(11), height: 5, width: 6);
        var options = new RnnOptions { ReturnSequences = returnSequences, GoBackwards = goBackwards };
        int[]? lengths = padding == "lengths" ? new[] { 4, 2, 0 } : null;
        Tensor? mask = padding == "mask"
            ? Tensor.FromArray(new float[] { 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1 }, Batch, Time)
            : null;

        AssertPathsAgree(
            Execute(cell, options, fused: true, lengths, mask), Execute(cell, options, fused: false, lengths, mask));
    }

    // Kernels 1, 5 and 7 (wider than half the map, so whole kernel rows and columns fall in the
    // padding; the step path's im2col once threw there), and maps of one row or one column.
    [TestCase(1, 4, 5)]
    [TestCase(5, 4, 3)]
    [TestCase(3, 1, 7)]
    [TestCase(3, 6, 1)]
    [TestCase(5, 6, 1)]
    [TestCase(7, 2, 2)]
    public void FusedMatchesStepPathForOtherKernelsAndSizes(int kernel, int height, int width)
    {
        var cell = new ConvLstm2DCell(InChannels, Filters, kernel, new Rng(12), height, width);
        var options = new RnnOptions { ReturnSequences = true };
        AssertPathsAgree(
            Execute(cell, options, fused: true, null, null), Execute(cell, options, fused: false, null, null));
    }

    [Test]
    public void FusedMatchesStepPathWithRecurrentAndInputDropout([Values] bool returnSequences)
    {
        var cell = new ConvLstm2DCell(InChannels, Filters, 3, new Rng(13), height: 4, width: 4);
        int[] lengths = { 4, 3, 1 };
        AssertDropoutPathsAgree(returnSequences, (options, fused) => Execute(cell, options, fused, lengths, null));
    }

    // 3 samples of 8x8 maps are 192 position rows, which the gate kernels split between two
    // threads; the NHWC columns run a sample per task on both.
    [Test]
    public void TwoThreadsMatchOne()
    {
        float[] Gradients(int threads)
        {
            var be = new CpuBackend(threads);
            var cell = new ConvLstm2DCell(InChannels, 16, 3, new Rng(14), 8, 8, be);
            var layer = new Rnn(cell, new RnnOptions { ReturnSequences = true });
            int[] shape = { Batch, Time, InChannels, 8, 8 };
            var x = be.FromArray(R(15, shape).ToArray(), shape);
            x.RequiresGrad = true;
            using var tape = Tape.Begin();
            var y = layer.Forward(x, lengths: new[] { 4, 1, 3 }).Output;
            tape.Backward(Ops.Sum(Ops.Mul(y, be.FromArray(R(16, y.ShapeArray).ToArray(), y.ShapeArray))));
            return y.ToArray().Concat(x.Grad!.ToArray())
                .Concat(layer.Parameters().SelectMany(p => p.Value.Grad!.ToArray())).ToArray();
        }

        Assert.That(Gradients(2), Is.EqualTo(Gradients(1)).Within(1e-5f));
    }

    // Whole-sequence buffers past one array's reach (here 2^31 gate values) leave the sequence to
    // the step path instead of overflowing an offset.
    [Test]
    public void SequencesTooLargeForOneBufferAreNotFused()
    {
        var cell = new ConvLstm2DCell(1, 64, 3, new Rng(3));
        Assert.That(ConvLstmSequence.Fits(cell, new[] { 8, 10, 1, 64, 64 }), Is.True);
        Assert.That(ConvLstmSequence.Fits(cell, new[] { 64, 1024, 1, 256, 256 }), Is.False);
        Assert.That(ConvLstmSequence.Supports(cell, Tensor.Zeros(1, 1, 1, 2, 2)), Is.True);
        Assert.That(ConvLstmSequence.Supports(cell, Tensor.Zeros(2, 3, 4)), Is.False);
    }

    // A NaN in a padded step's input reaches nothing: not the output, the states or any gradient
    // (the fused kernels zero padded inputs, so 0 * NaN never enters W_ih's gradient).
    [Test]
    public void ANaNInAPaddedStepReachesNoGradient([Values("convlstm", "lstm", "gru")] string kind)
    {
        bool conv = kind == "convlstm";
        IRnnCell cell = kind switch
        {
            "convlstm" => new ConvLstm2DCell(InChannels, Filters, 3, new Rng(21), 4, 5),
            "lstm" => new LstmCell(InChannels, Filters, new Rng(21)),
            _ => new GruCell(InChannels, Filters, new Rng(21)),
        };
        var layer = new Rnn(cell, new RnnOptions { ReturnSequences = true });
        int[] shape = conv ? new[] { 2, 3, InChannels, 4, 5 } : new[] { 2, 3, InChannels };
        var values = R(22, shape).ToArray();
        values[(1 * 3 + 2) * (values.Length / 6)] = float.NaN;   // sample 1, step 2: padding with lengths {3, 1}
        var x = Tensor.FromArray(values, shape);
        x.RequiresGrad = true;

        using var tape = Tape.Begin();
        var y = layer.Forward(x, lengths: new[] { 3, 1 });
        tape.Backward(Ops.Sum(y.Output));

        Assert.That(layer.LastCallFused, Is.True);
        Assert.That(y.Output.ToArray(), Has.None.NaN, "output");
        foreach (var p in layer.Parameters())
        {
            Assert.That(p.Value.Grad!.ToArray(), Has.None.NaN, p.Value.Describe());
        }
    }

    // Inputs or states made on another CpuBackend object are refused alike on both paths, and the
    // message says that the two backends are different objects (their names are the same).
    [Test]
    public void TensorsOnAnotherBackendObjectAreRefusedOnBothPaths([Values] bool fused)
    {
        var be = new CpuBackend(2);
        var other = new CpuBackend(2);
        var cell = new ConvLstm2DCell(InChannels, Filters, 3, new Rng(23), 4, 4, be);
        var layer = new Rnn(cell, new RnnOptions { AllowFused = fused });
        var x = be.Zeros(new[] { 1, 2, InChannels, 4, 4 });
        var states = new[] { other.Zeros(new[] { 1, Filters, 4, 4 }), other.Zeros(new[] { 1, Filters, 4, 4 }) };

        var e = Assert.Throws<ArgumentException>(() => layer.Forward(x, states));
        Assert.That(e!.Message, Does.Contain("state 0").And.Contain("two different backend objects"));
        e = Assert.Throws<ArgumentException>(() => layer.Forward(other.Zeros(new[] { 1, 2, InChannels, 4, 4 })));
        Assert.That(e!.Message, Does.Contain("two different backend objects"));
    }

    [Test]
    public void FusedSequenceIsOneTapeEntry()
    {
        var cell = new ConvLstm2DCell(InChannels, Filters, 3, new Rng(3));
        var layer = new Rnn(cell, new RnnOptions { ReturnSequences = true });
        using var tape = Tape.Begin();
        var y = layer.Forward(R(4, 2, 5, InChannels, 4, 4));
        Assert.That(layer.LastCallFused, Is.True);
        Assert.That(tape.Count, Is.EqualTo(1), "one entry for all 5 steps");
        Assert.That(y.Output.ShapeArray, Is.EqualTo(new[] { 2, 5, Filters, 4, 4 }));
    }

    // A steady-state training step allocates nothing per time step beyond the output sequence and
    // its gradient: a run of 12 steps allocates over one of 6 just those tensors' 6 extra steps.
    // One thread, so the count is this thread's alone; the smallest of three tries.
    [Test]
    public void TrainingStepAllocatesNothingPerTimeStep()
    {
        var be = new CpuBackend(1);
        var cell = new ConvLstm2DCell(InChannels, 8, 3, new Rng(8), 6, 6, be);
        var layer = new Rnn(cell, new RnnOptions { ReturnSequences = true });
        long Bytes(int time) =>
            TrainingStepBytes(layer, be, new[] { InChannels, 6, 6 }, new[] { 8, 6, 6 }, Batch, time);

        long outputsPerStep = 2L * Batch * 8 * 36 * sizeof(float);   // y and y.Grad, [batch, filters, 6, 6] a step
        Assert.That(Bytes(12) - Bytes(6), Is.LessThanOrEqualTo(6 * outputsPerStep));
    }

    // A stateful layer carries the final states (channels-first, as the step path keeps them)
    // into its next call.
    [Test]
    public void StatefulCallsCarryTheStatesOnBothPaths()
    {
        float[] SecondCall(bool fused)
        {
            var cell = new ConvLstm2DCell(InChannels, Filters, 3, new Rng(17), 4, 5);
            var layer = new Rnn(cell, new RnnOptions { Stateful = true, AllowFused = fused });
            layer.Forward(R(18, Batch, Time, InChannels, 4, 5));
            var second = layer.Forward(R(19, Batch, 2, InChannels, 4, 5));
            Assert.That(layer.LastCallFused, Is.EqualTo(fused));
            return second.Output.ToArray();
        }

        var fresh = new Rnn(new ConvLstm2DCell(InChannels, Filters, 3, new Rng(17), 4, 5))
            .Forward(R(19, Batch, 2, InChannels, 4, 5)).Output.ToArray();
        Assert.That(SecondCall(fused: true), Is.EqualTo(SecondCall(fused: false)).Within(1e-5f));
        Assert.That(SecondCall(fused: true), Is.Not.EqualTo(fresh).Within(1e-3f), "the kept states count");
    }
}
