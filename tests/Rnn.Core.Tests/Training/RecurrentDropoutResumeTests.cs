using Rnn.Core.Losses;
using Rnn.Core.Nn;
using Rnn.Core.Optim;
using Rnn.Core.Training;

namespace Rnn.Core.Tests.Training;

using Rnn.Core.Recurrent;

// A resumed run must draw the same dropout masks as an uninterrupted one. The masks of the Rnn
// layer come from its own generator, which the Trainer finds through Module.NamedGenerators and
// checkpoints (a new-user trial found it was not saved, so resume with dropout was not exact).
public sealed class RecurrentDropoutResumeTests
{
    private sealed record Sample(float[] X, float Y);

    private sealed class Net : Module
    {
        public Net(ulong seed)
        {
            var options = new RnnOptions { InputDropout = 0.2f, RecurrentDropout = 0.2f, Seed = seed + 100 };
            Rnn = AddModule("rnn", new Rnn(new GruCell(1, 8, new Rng(seed)), options));
            Head = AddModule("head", new Dense(8, 1, new Rng(seed + 1)));
        }

        public Rnn Rnn { get; }

        public Dense Head { get; }

        public Tensor Forward(Tensor x) => Head.Forward(Rnn.Forward(x).Output);
    }

    private static List<Sample> Samples(int count)
    {
        var rng = new Rng(5);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var x = Enumerable.Range(0, 6).Select(_ => rng.Uniform(-1f, 1f)).ToArray();
            return new Sample(x, x.Sum() / 6f);
        }).ToList();
    }

    private static (Tensor X, Tensor Y) Collate(IReadOnlyList<Sample> batch) =>
        (Tensor.FromArray(batch.SelectMany(s => s.X).ToArray(), batch.Count, 6, 1),   // [batch, time, 1]
         Tensor.FromArray(batch.Select(s => s.Y).ToArray(), batch.Count, 1));         // [batch, 1]

    private static Net Run(ulong seed, string dir, int epochs)
    {
        var net = new Net(seed);
        var optimizer = new Adam(net.NamedParameters(), 0.01f);
        var options = new TrainerOptions
        {
            Epochs = epochs, Seed = 3, CheckpointDirectory = dir, CheckpointEverySteps = 4, Resume = true,
        };
        var trainer = new Trainer<(Tensor X, Tensor Y)>(
            net, optimizer, b => MseLoss.Compute(net.Forward(b.X), b.Y), options);
        trainer.Fit(new ShuffledBatchSource<Sample, (Tensor X, Tensor Y)>(Samples(40), 8, seed: 9, Collate));
        return net;
    }

    [Test]
    public void ResumeWithRnnDropoutMatchesAnUninterruptedRun()
    {
        using var straightDir = new TempDir();
        var straight = Run(1, straightDir.Path, 2);

        using var dir = new TempDir();
        Run(1, dir.Path, 1);
        var resumed = Run(42, dir.Path, 2);   // other weights and dropout seed, all overwritten on resume

        Assert.That(TrainingTestUtil.Weights(resumed), Is.EqualTo(TrainingTestUtil.Weights(straight)));
    }

    [Test]
    public void GeneratorsAreListedWithTheirPaths()
    {
        var names = new Net(1).NamedGenerators().Select(g => g.Path);
        Assert.That(names, Is.EqualTo(new[] { "rnn.dropout_rng" }));
    }
}
