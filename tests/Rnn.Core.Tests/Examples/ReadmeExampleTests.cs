using Rnn.Core.Autograd;
using Rnn.Core.Losses;
using Rnn.Core.Nn;
using Rnn.Core.Optim;
using Rnn.Core.Recurrent;
using RnnLayer = Rnn.Core.Recurrent.Rnn;

namespace Rnn.Core.Tests.Examples;

// The code of README.md's "Rnn.Core in 5 minutes", kept here so the example stays true: if the
// API changes, this stops compiling or learning, and the README must change with it.
public sealed class ReadmeExampleTests
{
    /// <summary>A leaky-integrator cell written with tensor ops only: h' = h + a * (tanh(...) - h).</summary>
    public sealed class LeakyCell : Module, IRnnCell
    {
        private readonly int hidden;
        private readonly Parameter w;
        private readonly Parameter u;
        private readonly Parameter b;
        private readonly Parameter leak;

        public LeakyCell(int input, int hidden, Rng rng)
        {
            this.hidden = hidden;
            var be = Backends.Default;
            w = AddParameter("w", Init.GlorotUniform(be, rng, input, hidden, hidden, input));      // [hidden, input]
            u = AddParameter("u", be.FromArray(Init.Orthogonal(rng, hidden, hidden), [hidden, hidden]));
            b = AddParameter("b", be.Zeros([hidden]));
            leak = AddParameter("leak", be.Zeros([hidden]));                                   // sigmoid(0) = 0.5
        }

        public IReadOnlyList<int[]> StateShapes => [[hidden]];

        public int[] OutputShape => [hidden];

        public Tensor[] InitialState(int batch, IBackend backend) => [backend.Zeros([batch, hidden])];

        public (Tensor Output, Tensor[] States) Step(Tensor x, Tensor[] states)
        {
            var h = states[0];                                                                  // [batch, hidden]
            var candidate = Ops.Tanh(Ops.Linear(x, w.Value, b.Value) + Ops.MatMul(h, u.Value, transB: true));
            var next = h + Ops.Sigmoid(leak.Value) * (candidate - h);
            return (next, [next]);
        }
    }

    /// <summary>The cell run over time by the generic layer, then a linear read-out.</summary>
    public sealed class SumModel : Module
    {
        private readonly RnnLayer rnn;
        private readonly Dense head;

        public SumModel(Rng rng)
        {
            rnn = AddModule("rnn", new RnnLayer(new LeakyCell(1, 16, rng)));   // last output: [batch, 16]
            head = AddModule("head", new Dense(16, 1, rng));
        }

        public Tensor Forward(Tensor x) => head.Forward(rnn.Forward(x).Output);
    }

    /// <summary>Random sequences [batch, time, 1] and their means [batch, 1].</summary>
    public static (Tensor X, Tensor Y) SumTask(Rng rng, int batch, int time)
    {
        var x = rng.Uniform(Backends.Default, -1f, 1f, batch, time, 1);
        var xs = x.ToArray();
        var y = new float[batch];
        for (int i = 0; i < xs.Length; i++)
        {
            y[i / time] += xs[i] / time;   // the mean keeps targets in [-1, 1]
        }

        return (x, Tensor.FromArray(y, batch, 1));
    }

    [Test]
    public void CustomCellLearnsSequenceMean()
    {
        var rng = new Rng(42);
        var model = new SumModel(rng);
        var optimizer = new Adam(model.NamedParameters(), learningRate: 0.01f);
        var (x, y) = SumTask(rng, batch: 64, time: 12);

        float first = 0, last = 0;
        for (int step = 0; step < 200; step++)
        {
            optimizer.ZeroGrad();
            using var tape = Tape.Begin();
            var loss = MseLoss.Compute(model.Forward(x), y);
            tape.Backward(loss);
            optimizer.Step();
            last = loss.Item();
            if (step == 0)
            {
                first = last;
            }
        }

        // Judged on fresh sequences, so it cannot pass by memorising the training batch.
        var (testX, testY) = SumTask(new Rng(7), batch: 256, time: 12);
        float test;
        using (Tape.NoGrad())
        {
            test = MseLoss.Compute(model.Forward(testX), testY).Item();
        }

        TestContext.Out.WriteLine($"train loss {first:G3} -> {last:G3}, held-out {test:G3}");
        Assert.That(test, Is.LessThan(0.1f * first), "the held-out error should fall below 10% of the initial loss");
    }
}
