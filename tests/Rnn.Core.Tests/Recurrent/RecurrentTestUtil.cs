using Rnn.Core.Autograd;
using Rnn.Core.Nn;
using Rnn.Core.Recurrent;

namespace Rnn.Core.Tests.Recurrent;

/// <summary>Shared helpers for the recurrent tests.</summary>
internal static class RecurrentTestUtil
{
    public static Tensor R(ulong seed, params int[] shape) => new Rng(seed).Uniform(Backends.Default, -1f, 1f, shape);

    /// <summary>Grad check w.r.t. the given tensors plus every parameter of the module.</summary>
    public static GradCheck.Result CheckWithParameters(Module m, Func<Tensor> f, params Tensor[] extra)
    {
        var inputs = extra.Concat(m.Parameters().Select(p => p.Value)).ToArray();
        return GradCheck.Check(_ => f(), inputs);
    }

    /// <summary>One run of an Rnn layer on one path: output, final states, and each leaf's gradient.</summary>
    public sealed record PathRun(float[] Output, float[][] States, float[][] Grads, bool Fused);

    /// <summary>
    /// Runs <paramref name="cell"/> over <paramref name="x"/> (batch first) on the fused or the step
    /// path, with random initial states; the loss is a random weighting of the output and of every
    /// final state, so each gradient path counts. The leaves are x, the initial states and every
    /// parameter, in that order.
    /// </summary>
    public static PathRun RunPath(IRnnCell cell, RnnOptions options, bool fused, Tensor x, int[]? lengths, Tensor? mask)
    {
        var layer = new Rnn.Core.Recurrent.Rnn(cell, options with { AllowFused = fused });
        int batch = x.Dim(0);
        var initial = cell.StateShapes
            .Select((s, i) => R(30 + (ulong)i, new[] { batch }.Concat(s).ToArray())).ToArray();
        var leaves = new[] { x }.Concat(initial).Concat(layer.Parameters().Select(p => p.Value)).ToArray();
        foreach (var t in leaves)
        {
            t.RequiresGrad = true;
            t.Grad = null;
        }

        using var tape = Tape.Begin();
        var result = layer.Forward(x, initial, lengths, mask);
        var loss = Ops.Sum(Ops.Mul(result.Output, R(40, result.Output.ShapeArray)));
        for (int i = 0; i < result.States.Length; i++)
        {
            loss = Ops.Add(loss, Ops.Sum(Ops.Mul(result.States[i], R(50 + (ulong)i, result.States[i].ShapeArray))));
        }

        tape.Backward(loss);
        return new PathRun(result.Output.ToArray(), result.States.Select(s => s.ToArray()).ToArray(),
            leaves.Select(t => t.Grad?.ToArray() ?? new float[t.Length]).ToArray(), layer.LastCallFused);
    }

    /// <summary>
    /// The fused run took the fused path, the step run the step path, and they agree: the same
    /// arithmetic in another order, so float32 rounding differs by a few ulps a step (1e-5 on
    /// values, 1e-4 on gradients, which sum over steps).
    /// </summary>
    public static void AssertPathsAgree(PathRun fused, PathRun step)
    {
        Assert.That(step.Fused, Is.False);
        Assert.That(fused.Fused, Is.True);
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

    /// <summary>
    /// The managed bytes this thread allocates in one training step (forward, backward, ZeroGrad)
    /// of <paramref name="layer"/> on zero inputs [batch, time, ...step] and output gradients
    /// [batch, time, ...output]: the smallest of three tries after three warm-ups, so a refill of
    /// the array pool by another test cannot count.
    /// </summary>
    public static long TrainingStepBytes(
        Rnn.Core.Recurrent.Rnn layer, CpuBackend be, int[] step, int[] output, int batch, int time)
    {
        int[] xShape = new[] { batch, time }.Concat(step).ToArray();
        int[] yShape = new[] { batch, time }.Concat(output).ToArray();
        var x = be.FromArray(new float[Shape.Size(xShape)], xShape);
        var dy = be.FromArray(new float[Shape.Size(yShape)], yShape);
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

    /// <summary>
    /// Input and recurrent dropout (with reverse steps) on both paths: the same seed draws the same
    /// per-sequence masks, so the paths agree, and the recurrent mask does change the result.
    /// </summary>
    /// <param name="returnSequences">The layer's option.</param>
    /// <param name="execute">One run for options and fused-or-not (<see cref="RunPath"/> with the lengths).</param>
    public static void AssertDropoutPathsAgree(bool returnSequences, Func<RnnOptions, bool, PathRun> execute)
    {
        var options = new RnnOptions
        {
            ReturnSequences = returnSequences,
            GoBackwards = true,
            RecurrentDropout = 0.4f,
            InputDropout = 0.2f,
            Seed = 21,
        };
        var fused = execute(options, true);
        AssertPathsAgree(fused, execute(options, false));

        var plain = execute(options with { RecurrentDropout = 0f }, true);
        Assert.That(fused.Output, Is.Not.EqualTo(plain.Output), "the recurrent mask changes the result");
    }

    /// <summary>
    /// Float32 central differences with h = 1e-2 on tanh/sigmoid nets reach a few 1e-3 relative
    /// error; a wrong gradient is off by O(1).
    /// </summary>
    public const float GradTolerance = 2e-2f;
}
