using Rnn.Core.Autograd;
using Rnn.Core.Losses;
using Rnn.Core.Nn;
using Rnn.Core.Optim;
using Rnn.Core.Recurrent;
using Rnn.Core.Training;
using RnnLayer = Rnn.Core.Recurrent.Rnn;

namespace Rnn.Core.Tests.Training;

public sealed class TruncatedBpttTests
{
    // h_t = w h_{t-1} + x_t, output h_t: a one-parameter recurrence whose forward calls are recorded.
    private sealed class LinearRecurrence : Module
    {
        public LinearRecurrence() => W = AddParameter("w", Tensor.FromArray(new[] { 0.5f }));

        public Parameter W { get; }

        public List<(int From, int To)> Calls { get; } = new();

        public RecurrentForward Forward(int[] position) => (x, states) =>
        {
            int time = x.Dim(1);
            Calls.Add((position[0], position[0] + time));
            var h = states?[0] ?? Tensor.Zeros(x.Dim(0), 1);   // [batch, 1]
            var outputs = new List<Tensor>();
            for (int t = 0; t < time; t++)
            {
                h = Ops.Add(Ops.Mul(h, W.Value), Ops.Reshape(Ops.Slice(x, 1, t, 1), x.Dim(0), 1));
                outputs.Add(h);
            }

            return (Ops.Stack(outputs, 1), new[] { h });   // [batch, time, 1]
        };
    }

    [Test]
    public void WindowsUpdateEveryK1AndReachBackK2()
    {
        var model = new LinearRecurrence();
        var x = new Rng(1).Uniform(Backends.Default, -1f, 1f, 2, 10, 1);   // [batch, time, 1]
        var position = new int[1];
        var losses = new List<(int Start, int Length)>();
        var forward = model.Forward(position);
        RecurrentForward tracked = (input, s) =>
        {
            var r = forward(input, s);
            position[0] += input.Dim(1);
            return r;
        };

        // lr 0 keeps the weights fixed, so carried states must equal one straight pass. The
        // recorder learns where each window starts from the loss callback of the window before.
        var bptt = new TruncatedBptt(k1: 3, k2: 5);
        int[] starts = { 0, 1, 4, 5 };
        int window = 0;
        var result = bptt.Run(
            tracked, x, null,
            (y, start) =>
            {
                losses.Add((start, y.Dim(1)));
                position[0] = window + 1 < starts.Length ? starts[++window] : 0;
                return Ops.Sum(y);
            },
            new Sgd(model.NamedParameters(), 0f));

        Assert.That(losses, Is.EqualTo(new[] { (0, 3), (3, 3), (6, 3), (9, 1) }));
        Assert.That(model.Calls, Is.EqualTo(new[] { (0, 1), (1, 3), (1, 4), (4, 6), (4, 5), (5, 9), (5, 10) }));
        Assert.That(result.Updates, Is.EqualTo(4));

        position[0] = 0;
        var (_, straight) = model.Forward(position)(x, null);
        Assert.That(result.FinalStates[0].ToArray(), Is.EqualTo(straight[0].ToArray()));
        Assert.That(result.FinalStates[0].RequiresGrad, Is.False);
    }

    [Test]
    public void GradientOfAWindowFlowsBackK2Steps()
    {
        // Window 2 of k1 = 2, k2 = 4 over 4 steps covers steps 0..3 with the loss on steps 2..3:
        // d/dw of h_2 + h_3 from h_{-1} = 0 is the analytic derivative below.
        var model = new LinearRecurrence();
        var x = Tensor.FromArray(new[] { 1f, 2f, 3f, 4f }, 1, 4, 1);
        var grads = new List<float>();
        new TruncatedBptt(2, 4).Run(
            model.Forward(new int[1]), x, null, (y, _) => Ops.Sum(y), new RecordingOptimizer(model, grads));
        double w = 0.5;
        // h2 = w^2 x0 + w x1 + x2; h3 = w h2 + x3.
        double dh2 = 2 * w * 1 + 2;
        double dh3 = (w * w * 1 + w * 2 + 3) + w * dh2;
        Assert.That(grads[1], Is.EqualTo(dh2 + dh3).Within(1e-5));
    }

    private sealed class RecordingOptimizer : Optimizer
    {
        private readonly List<float> grads;

        public RecordingOptimizer(Module m, List<float> grads) : base(m.NamedParameters(), 0f) => this.grads = grads;

        public override string Kind => "recording";

        protected override IReadOnlyList<string> Slots => Array.Empty<string>();

        protected override void Update(string name, Parameter parameter, Tensor grad) => grads.Add(grad.Item());
    }

    [Test]
    public void WholeSequenceIsOneOrdinaryUpdate()
    {
        LstmModel Make() => new(new Rng(3));
        var x = new Rng(4).Uniform(Backends.Default, -1f, 1f, 2, 7, 2);
        var target = new Rng(5).Uniform(Backends.Default, -1f, 1f, 2, 7, 1);
        var a = Make();
        var r = TruncatedBptt.RunWholeSequence(
            a.Forward, x, null, (y, _) => MseLoss.Compute(y, target), new Sgd(a.NamedParameters(), 0.1f));
        Assert.That(r.Updates, Is.EqualTo(1));

        var b = Make();
        var opt = new Sgd(b.NamedParameters(), 0.1f);
        using (var tape = Tape.Begin())
        {
            tape.Backward(MseLoss.Compute(b.Forward(x, null).Output, target));
        }

        opt.Step();
        Assert.That(TrainingTestUtil.Weights(a), Is.EqualTo(TrainingTestUtil.Weights(b)));
    }

    private sealed class LstmModel : Module
    {
        public LstmModel(Rng rng, int input = 2, int hidden = 12)
        {
            var options = new RnnOptions { ReturnSequences = true };
            Rnn = AddModule("rnn", new RnnLayer(new LstmCell(input, hidden, rng), options));
            Head = AddModule("head", new Dense(hidden, 1, rng));
        }

        public RnnLayer Rnn { get; }

        public Dense Head { get; }

        public (Tensor Output, Tensor[] States) Forward(Tensor x, Tensor[]? states)
        {
            var r = Rnn.Forward(x, states);
            return (Head.Forward(r.Output), r.States);
        }
    }

    // Bits in, the bit from `Delay` steps earlier out: impossible without a memory of Delay steps.
    private const int Delay = 3;

    private static (Tensor X, Tensor Y) DelayBatch(Rng rng, int batch, int time)
    {
        var x = new float[batch * time];
        var y = new float[batch * time];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < time; t++)
            {
                x[b * time + t] = rng.NextInt(2);
                y[b * time + t] = t >= Delay ? x[b * time + t - Delay] : 0f;
            }
        }

        return (Tensor.FromArray(x, batch, time, 1), Tensor.FromArray(y, batch, time, 1));   // [batch, time, 1]
    }

    private static double TrainDelayTask(int k1, int k2)
    {
        var model = new LstmModel(new Rng(11), input: 1, hidden: 12);
        var opt = new Adam(model.NamedParameters(), 0.02f);
        var bptt = new TruncatedBptt(k1, k2, clipGradientNorm: 5f);
        var data = new Rng(12);
        for (int i = 0; i < 60; i++)
        {
            var (x, y) = DelayBatch(data, 16, 40);
            bptt.Run(model.Rnn, model.Head.Forward, x, null,
                (pred, start) => BceWithLogitsLoss.Compute(pred, Ops.Slice(y, 1, start, pred.Dim(1))), opt);
        }

        // Held-out: one uninterrupted pass over longer sequences; steps >= Delay scored.
        var (tx, ty) = DelayBatch(new Rng(13), 32, 80);
        model.Eval();
        var logits = model.Forward(tx, null).Output.ToArray();
        var truth = ty.ToArray();
        int correct = 0, total = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            if (i % 80 >= Delay)
            {
                correct += (logits[i] > 0) == (truth[i] > 0.5f) ? 1 : 0;
                total++;
            }
        }

        return correct / (double)total;
    }

    [Test]
    public void LearnsAMemoryTaskWithinTheWindow()
    {
        double accuracy = TrainDelayTask(k1: 8, k2: 16);
        Assert.That(accuracy, Is.GreaterThan(0.97), "delay-3 recall with k2 = 16");
    }

    [Test]
    public void BackpropShorterThanTheDelayCannotLearnIt()
    {
        double accuracy = TrainDelayTask(k1: 2, k2: 2);
        Assert.That(accuracy, Is.LessThan(0.75), "delay-3 recall with k2 = 2 should stay near chance");
    }
}
