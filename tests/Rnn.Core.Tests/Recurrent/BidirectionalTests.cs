using static Rnn.Core.Tests.Recurrent.RecurrentTestUtil;

namespace Rnn.Core.Tests.Recurrent;

// Inside the namespace so the class Rnn wins over the root namespace Rnn.
using Rnn.Core.Recurrent;

public sealed class BidirectionalTests
{
    [Test]
    public void MergesForwardWithBackwardRealignedPerSample([Values] MergeMode mode)
    {
        var fCell = new GruCell(2, 3, new Rng(1));
        var bCell = new GruCell(2, 3, new Rng(2));
        var opts = new RnnOptions { ReturnSequences = true };
        var bi = new Bidirectional(fCell, bCell, opts, mode);
        var x = R(3, 2, 4, 2);
        int[] lengths = { 4, 2 };
        var y = bi.Forward(x, lengths: lengths).Output.ToArray();

        var f = new Rnn(fCell, opts).Forward(x, lengths: lengths).Output.ToArray();
        var b = new Rnn(bCell, opts with { GoBackwards = true }).Forward(x, lengths: lengths).Output.ToArray();
        int width = mode == MergeMode.Concat ? 6 : 3;
        for (int s = 0; s < 2; s++)
        {
            for (int t = 0; t < 4; t++)
            {
                // The backward output for input step t was produced at step len-1-t.
                int bt = t < lengths[s] ? lengths[s] - 1 - t : t;
                for (int j = 0; j < 3; j++)
                {
                    float fv = f[(s * 4 + t) * 3 + j];
                    float bv = b[(s * 4 + bt) * 3 + j];
                    int at = (s * 4 + t) * width;
                    switch (mode)
                    {
                        case MergeMode.Concat:
                            Assert.That(y[at + j], Is.EqualTo(fv).Within(1e-6f));
                            Assert.That(y[at + 3 + j], Is.EqualTo(bv).Within(1e-6f));
                            break;
                        case MergeMode.Sum:
                            Assert.That(y[at + j], Is.EqualTo(fv + bv).Within(1e-6f));
                            break;
                        case MergeMode.Average:
                            Assert.That(y[at + j], Is.EqualTo((fv + bv) / 2).Within(1e-6f));
                            break;
                        case MergeMode.Multiply:
                            Assert.That(y[at + j], Is.EqualTo(fv * bv).Within(1e-6f));
                            break;
                    }
                }
            }
        }
    }

    // The fused LSTM runs an empty batch; realigning its empty backward output must too.
    [Test]
    public void EmptyBatchGivesAnEmptySequence()
    {
        var bi = new Bidirectional(
            new LstmCell(2, 3, new Rng(1)), new LstmCell(2, 3, new Rng(2)), new RnnOptions { ReturnSequences = true });

        var y = bi.Forward(Tensor.Zeros(0, 5, 2)).Output;

        Assert.That(y.ShapeArray, Is.EqualTo(new[] { 0, 5, 6 }));
    }

    [Test]
    public void GradCheckWithLengths()
    {
        var bi = new Bidirectional(new LstmCell(2, 2, new Rng(4)), new LstmCell(2, 2, new Rng(5)),
            new RnnOptions { ReturnSequences = true });
        var x = R(6, 2, 3, 2);
        var r = CheckWithParameters(bi, () => bi.Forward(x, lengths: new[] { 3, 1 }).Output, x);
        Assert.That(r.MaxRelError, Is.LessThan(GradTolerance), r.ToString());
    }

    [Test]
    public void RejectsTwoLayersGoingTheSameWay()
    {
        var a = new Rnn(new GruCell(2, 2, new Rng(1)));
        var b = new Rnn(new GruCell(2, 2, new Rng(2)));
        Assert.Throws<ArgumentException>(() => _ = new Bidirectional(a, b));
    }
}
