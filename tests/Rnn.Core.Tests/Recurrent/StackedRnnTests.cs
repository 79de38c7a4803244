using static Rnn.Core.Tests.Recurrent.RecurrentTestUtil;

namespace Rnn.Core.Tests.Recurrent;

// Inside the namespace so the class Rnn wins over the root namespace Rnn.
using Rnn.Core.Recurrent;

public sealed class StackedRnnTests
{
    [Test]
    public void EqualsLayersAppliedInTurnAndCollectsStates()
    {
        var seq = new RnnOptions { ReturnSequences = true };
        var l1 = new Rnn(new LstmCell(2, 4, new Rng(1)), seq);
        var l2 = new Rnn(new GruCell(4, 3, new Rng(2)));
        var stack = new StackedRnn(new ISequenceLayer[] { l1, l2 }, dropout: 0.5f);
        var x = R(3, 2, 5, 2);
        int[] lengths = { 5, 3 };
        stack.Eval();   // dropout off, so the stack must equal the plain composition
        var got = stack.Forward(x, lengths: lengths);
        var h = l1.Forward(x, lengths: lengths);
        var expected = l2.Forward(h.Output, lengths: lengths);
        Assert.That(got.Output.ToArray(), Is.EqualTo(expected.Output.ToArray()));
        Assert.That(got.States, Has.Length.EqualTo(3));
        Assert.That(stack.NamedParameters().Select(p => p.Path), Does.Contain("1.cell.bias_hh"));

        stack.Train();
        Assert.That(stack.Forward(x, lengths: lengths).Output.ToArray(), Is.Not.EqualTo(expected.Output.ToArray()),
            "dropout between layers is active in training");
    }

    [Test]
    public void RejectsAnInnerLayerThatDropsTheTimeAxis()
    {
        var l1 = new Rnn(new GruCell(2, 2, new Rng(1)));
        var l2 = new Rnn(new GruCell(2, 2, new Rng(2)));
        Assert.Throws<ArgumentException>(() => _ = new StackedRnn(new ISequenceLayer[] { l1, l2 }));
    }
}
