using Rnn.Core.Autograd;
using Rnn.Core.Losses;
using Rnn.Core.Nn;
using Rnn.Core.Optim;

namespace Rnn.Core.Tests.Recurrent;

// Inside the namespace so the class Rnn wins over the root namespace Rnn.
using Rnn.Core.Recurrent;

/// <summary>
/// Small fixed-seed problems that a recurrent net can only solve by carrying information through
/// its state. Each trains full-batch with Adam for a fixed number of steps and is judged on fresh
/// held-out sequences against the error of the best constant prediction (the target variance):
/// they reach about 1/500 of it, so 1/50 leaves room for rounding differences between machines.
/// </summary>
public sealed class RnnLearningTests
{
    /// <summary>A recurrent layer plus a dense head, so one optimizer sees every parameter.</summary>
    private sealed class Net : Module
    {
        public Net(ISequenceLayer rnn, Dense head)
        {
            Rnn = rnn;
            Head = AddModule("head", head);
            AddModule("rnn", (Module)rnn);
        }

        public ISequenceLayer Rnn { get; }

        public Dense Head { get; }

        public Tensor Forward(Tensor x, int[]? lengths = null) => Head.Forward(Rnn.Forward(x, lengths: lengths).Output);
    }

    /// <summary>The minimal gated unit (Zhou et al., 2016), written with Ops only (no fused kernel).</summary>
    private sealed class MinimalGatedCell : Module, IRnnCell
    {
        private readonly int hidden;

        public MinimalGatedCell(int input, int hidden, Rng rng)
        {
            this.hidden = hidden;
            int fan = input + hidden;
            Wf = AddParameter("wf", Init.GlorotUniform(Backends.Default, rng, fan, hidden, hidden, fan));
            Wn = AddParameter("wn", Init.GlorotUniform(Backends.Default, rng, fan, hidden, hidden, fan));
            Bf = AddParameter("bf", Tensor.Zeros(hidden));
            Bn = AddParameter("bn", Tensor.Zeros(hidden));
        }

        private Parameter Wf { get; }

        private Parameter Wn { get; }

        private Parameter Bf { get; }

        private Parameter Bn { get; }

        public IReadOnlyList<int[]> StateShapes => new[] { new[] { hidden } };

        public int[] OutputShape => new[] { hidden };

        public Tensor[] InitialState(int batch, IBackend backend) => new[] { backend.Zeros(new[] { batch, hidden }) };

        public (Tensor Output, Tensor[] States) Step(Tensor input, Tensor[] states)
        {
            var h = states[0];
            var f = Ops.Sigmoid(Ops.Linear(Ops.Concat(new[] { input, h }, 1), Wf.Value, Bf.Value));
            var n = Ops.Tanh(Ops.Linear(Ops.Concat(new[] { input, Ops.Mul(f, h) }, 1), Wn.Value, Bn.Value));
            var next = Ops.Add(h, Ops.Mul(f, Ops.Sub(n, h)));   // (1-f)*h + f*n
            return (next, new[] { next });
        }
    }

    private static float Train(Net net, int steps, float lr, Func<Net, Tensor> loss)
    {
        var opt = new Adam(Optimizer.Named(net), learningRate: lr);
        float last = float.NaN;
        for (int i = 0; i < steps; i++)
        {
            opt.ZeroGrad();
            using var tape = Tape.Begin();
            var l = loss(net);
            last = l.Item();
            tape.Backward(l);
            opt.Step();
        }

        return last;
    }

    private static float Eval(Net net, Func<Net, Tensor> loss)
    {
        net.Eval();
        using var _ = Tape.NoGrad();
        return loss(net).Item();
    }

    private static (Tensor X, Tensor Y, int[] Lengths) SumProblem(ulong seed, int batch, int time, bool varying)
    {
        var rng = new Rng(seed);
        var x = new float[batch * time];
        var y = new float[batch];
        var lengths = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            lengths[b] = varying ? rng.NextInt(2, time + 1) : time;
            for (int t = 0; t < time; t++)
            {
                float v = rng.Uniform(-1f, 1f);
                x[b * time + t] = t < lengths[b] ? v : 9f;   // padding holds junk the net must ignore
                y[b] += t < lengths[b] ? v / 3f : 0f;
            }
        }

        return (Tensor.FromArray(x, batch, time, 1), Tensor.FromArray(y, batch, 1), lengths);
    }

    private static float Variance(Tensor y)
    {
        var v = y.ToArray();
        float mean = v.Average();
        return v.Select(a => (a - mean) * (a - mean)).Average();
    }

    [Test]
    public void ManyToOneSequenceSumWithFusedGru()
    {
        var net = new Net(new Rnn(new GruCell(1, 16, new Rng(1))), new Dense(16, 1, new Rng(2)));
        var (x, y, _) = SumProblem(3, 128, 8, varying: false);
        Train(net, 80, 0.02f, n => MseLoss.Compute(n.Forward(x), y));
        var (tx, ty, _) = SumProblem(4, 256, 8, varying: false);
        float test = Eval(net, n => MseLoss.Compute(n.Forward(tx), ty));
        Assert.That(test, Is.LessThan(0.02f * Variance(ty)), $"held-out MSE {test}, target variance {Variance(ty)}");
    }

    [Test]
    public void ManyToOneWithVariableLengthsThroughACustomCell()
    {
        // The custom cell runs the generic step path; junk in the padding must not leak in.
        var net = new Net(new Rnn(new MinimalGatedCell(1, 12, new Rng(5))), new Dense(12, 1, new Rng(6)));
        var (x, y, lengths) = SumProblem(7, 96, 7, varying: true);
        Train(net, 100, 0.02f, n => MseLoss.Compute(n.Forward(x, lengths), y));
        var (tx, ty, tl) = SumProblem(8, 256, 7, varying: true);
        float test = Eval(net, n => MseLoss.Compute(n.Forward(tx, tl), ty));
        Assert.That(test, Is.LessThan(0.02f * Variance(ty)), $"held-out MSE {test}, target variance {Variance(ty)}");
    }

    private static (Tensor X, Tensor Y) DelayedCopy(ulong seed, int batch, int time, int delay)
    {
        var rng = new Rng(seed);
        var x = new float[batch * time];
        var y = new float[batch * time];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = rng.Uniform(-1f, 1f);
        }

        for (int b = 0; b < batch; b++)
        {
            for (int t = delay; t < time; t++)
            {
                y[b * time + t] = x[b * time + t - delay];
            }
        }

        return (Tensor.FromArray(x, batch, time, 1), Tensor.FromArray(y, batch, time, 1));
    }

    [Test]
    public void ManyToManyDelayedCopyWithFusedLstm()
    {
        var lstm = new Rnn(new LstmCell(1, 16, new Rng(9)), new RnnOptions { ReturnSequences = true });
        var net = new Net(lstm, new Dense(16, 1, new Rng(10)));
        var (x, y) = DelayedCopy(11, 64, 10, delay: 2);
        Train(net, 100, 0.02f, n => MseLoss.Compute(n.Forward(x), y));
        Assert.That(lstm.LastCallFused, Is.True);
        var (tx, ty) = DelayedCopy(12, 128, 10, delay: 2);
        float test = Eval(net, n => MseLoss.Compute(n.Forward(tx), ty));
        Assert.That(test, Is.LessThan(0.02f * Variance(ty)), $"held-out MSE {test}, target variance {Variance(ty)}");
    }

    [Test]
    public void OneToManyGeneratesASequenceFromOneVector()
    {
        // The vector (a, b) is shown at step 0 only; the net must emit a, b, a, b, ... for 6 steps.
        const int time = 6;
        static (Tensor X, Tensor Y) Problem(ulong seed, int batch)
        {
            var rng = new Rng(seed);
            var x = new float[batch * time * 2];
            var y = new float[batch * time];
            for (int b = 0; b < batch; b++)
            {
                float a = rng.Uniform(-1f, 1f), c = rng.Uniform(-1f, 1f);
                x[b * time * 2] = a;
                x[b * time * 2 + 1] = c;
                for (int t = 0; t < time; t++)
                {
                    y[b * time + t] = t % 2 == 0 ? a : c;
                }
            }

            return (Tensor.FromArray(x, batch, time, 2), Tensor.FromArray(y, batch, time, 1));
        }

        var cell = new GruCell(2, 16, new Rng(13), resetAfter: false);
        var gru = new Rnn(cell, new RnnOptions { ReturnSequences = true });
        var net = new Net(gru, new Dense(16, 1, new Rng(14)));
        var (x, y) = Problem(15, 64);
        Train(net, 100, 0.02f, n => MseLoss.Compute(n.Forward(x), y));
        var (tx, ty) = Problem(16, 128);
        float test = Eval(net, n => MseLoss.Compute(n.Forward(tx), ty));
        Assert.That(test, Is.LessThan(0.02f * Variance(ty)), $"held-out MSE {test}, target variance {Variance(ty)}");
    }
}
