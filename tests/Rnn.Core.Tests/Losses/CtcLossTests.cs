using Rnn.Core.Autograd;
using Rnn.Core.Losses;

namespace Rnn.Core.Tests.Losses;

public sealed class CtcLossTests
{
    private static Tensor Logits(ulong seed, int batch, int time, int classes) =>
        new Rng(seed).Uniform(Backends.Default, -2f, 2f, batch, time, classes);

    // -log of the sum, over every one of classes^frames paths, of the paths that collapse to
    // the target: the definition of CTC, independent of the recursions under test.
    private static double BruteForce(float[] logits, int b, int time, int classes, int frames, int[] target, int blank)
    {
        var probs = new double[frames, classes];
        for (int t = 0; t < frames; t++)
        {
            int row = (b * time + t) * classes;
            double max = Enumerable.Range(0, classes).Max(k => (double)logits[row + k]);
            double z = Enumerable.Range(0, classes).Sum(k => Math.Exp(logits[row + k] - max));
            for (int k = 0; k < classes; k++)
            {
                probs[t, k] = Math.Exp(logits[row + k] - max) / z;
            }
        }

        double total = 0;
        var path = new int[frames];
        int count = (int)Math.Pow(classes, frames);
        for (int n = 0; n < count; n++)
        {
            int rest = n;
            double p = 1;
            for (int t = 0; t < frames; t++)
            {
                path[t] = rest % classes;
                rest /= classes;
                p *= probs[t, path[t]];
            }

            if (Collapse(path, blank).SequenceEqual(target))
            {
                total += p;
            }
        }

        return -Math.Log(total);
    }

    internal static List<int> Collapse(IEnumerable<int> path, int blank)
    {
        var result = new List<int>();
        int previous = -1;
        foreach (int k in path)
        {
            if (k != previous && k != blank)
            {
                result.Add(k);
            }

            previous = k;
        }

        return result;
    }

    [TestCase(0)]
    [TestCase(2)]
    public void MatchesTheSumOverAllAlignments(int blank)
    {
        const int time = 6, classes = 4;
        // Repeated labels, distinct labels, an empty target, and a short input.
        var targets = new[] { new[] { 1, 1 }, new[] { 1, 3, 1 }, Array.Empty<int>(), new[] { 3 } };
        var inputLengths = new[] { 6, 5, 4, 3 };
        var logits = Logits(11, targets.Length, time, classes);
        var options = new CtcOptions { Blank = blank, Reduction = Reduction.None };
        var losses = CtcLoss.Compute(logits, targets, inputLengths, options).ToArray();
        var x = logits.ToArray();
        for (int b = 0; b < targets.Length; b++)
        {
            double expected = BruteForce(x, b, time, classes, inputLengths[b], targets[b], blank);
            Assert.That(losses[b], Is.EqualTo(expected).Within(1e-5 * Math.Max(1, expected)), $"sample {b}");
        }
    }

    [Test]
    public void GradientMatchesFiniteDifferences()
    {
        var targets = new[] { new[] { 2, 2, 1 }, new[] { 3 } };
        var inputLengths = new[] { 7, 5 };
        var logits = Logits(12, 2, 7, 4);
        var options = new CtcOptions { Blank = 0, DivideByTargetLength = true };
        var r = GradCheck.Check(x => CtcLoss.Compute(x[0], targets, inputLengths, options), new[] { logits });
        Assert.That(r.MaxRelError, Is.LessThan(2e-2f), r.ToString());

        // Frames past a sample's input length get no gradient.
        var g = logits.Grad!.ToArray();
        Assert.That(g.Skip((7 + 5) * 4).Take(2 * 4), Is.All.EqualTo(0f));
    }

    [Test]
    public void GradientWithBlankLastAndSumReduction()
    {
        var targets = new[] { 0, 1, 1, 2, 0 };
        var r = GradCheck.Check(
            x => CtcLoss.Compute(
                x[0], targets, new[] { 3, 2 }, new[] { 6, 6 }, new CtcOptions { Blank = 3, Reduction = Reduction.Sum }),
            new[] { Logits(13, 2, 6, 4) });
        Assert.That(r.MaxRelError, Is.LessThan(2e-2f), r.ToString());
    }

    [Test]
    public void ReductionsAndTargetLengthDivision()
    {
        var targets = new[] { new[] { 1, 2 }, new[] { 1, 1, 1 } };
        var logits = Logits(14, 2, 8, 3);
        var none = CtcLoss.Compute(logits, targets, new[] { 8, 8 }, new CtcOptions { Reduction = Reduction.None })
            .ToArray();
        var mean = CtcLoss.Compute(logits, targets, new[] { 8, 8 }).Item();
        var perLength = CtcLoss.Compute(logits, targets, new[] { 8, 8 }, new CtcOptions { DivideByTargetLength = true })
            .Item();
        Assert.That(mean, Is.EqualTo((none[0] + none[1]) / 2).Within(1e-5f));
        Assert.That(perLength, Is.EqualTo((none[0] / 2 + none[1] / 3) / 2).Within(1e-5f));
    }

    [Test]
    public void ImpossibleAlignmentIsInfiniteOrZeroed()
    {
        // "1 1" needs three frames (1, blank, 1); two cannot hold it.
        var targets = new[] { new[] { 1, 1 }, new[] { 2 } };
        var logits = Logits(15, 2, 2, 3);
        var raw = CtcLoss.Compute(logits, targets, new[] { 2, 2 }, new CtcOptions { Reduction = Reduction.None })
            .ToArray();
        Assert.That(double.IsPositiveInfinity(raw[0]));
        Assert.That(float.IsFinite(raw[1]));

        logits.RequiresGrad = true;
        using var tape = Tape.Begin();
        var zeroed = new CtcOptions { ZeroInfinity = true, Reduction = Reduction.Sum };
        var loss = CtcLoss.Compute(logits, targets, new[] { 2, 2 }, zeroed);
        Assert.That(loss.Item(), Is.EqualTo(raw[1]).Within(1e-6f));
        tape.Backward(loss);
        var g = logits.Grad!.ToArray();
        Assert.That(g.Take(6), Is.All.EqualTo(0f));
        Assert.That(g.Skip(6).All(float.IsFinite) && g.Skip(6).Any(v => v != 0f));
    }

    [Test]
    public void RejectsBadInputs()
    {
        var logits = Logits(16, 1, 4, 3);
        Assert.That(() => CtcLoss.Compute(logits, new[] { new[] { 0 } }, new[] { 4 }),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("blank 0"));
        Assert.That(() => CtcLoss.Compute(logits, new[] { new[] { 1 } }, new[] { 5 }),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("5"));
        Assert.That(
            () => CtcLoss.Compute(logits.View(4, 3), new[] { new[] { 1 } }, new[] { 4 }), Throws.ArgumentException);
    }
}
