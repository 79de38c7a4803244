using Rnn.Core;
using Rnn.Core.Autograd;
using Rnn.Core.Losses;
using Rnn.Core.Nn;
using Rnn.Core.Optim;
using Rnn.Core.Tests.Conformance;

namespace Rnn.Cuda.Tests.Training;

// Inside the namespace so the class Rnn wins over the root namespace Rnn.
using Rnn.Core.Recurrent;

/// <summary>
/// The end-to-end check: the same small LSTM regression (fused LSTM path, dense head,
/// Adam, MSE, 20 full-batch steps, fixed seed) trained on CpuBackend and on CudaBackend gives the
/// same loss at every step within a stated tolerance.
/// </summary>
public sealed class LstmTrainingParityTests
{
    private const int Batch = 4, Time = 5, Input = 3, Hidden = 8, Steps = 20;

    private sealed class Net : Module
    {
        public Net(IBackend backend)
        {
            // One seed for both backends: Init draws the same host numbers, then uploads them.
            var rng = new Rng(42);
            Layer = AddModule("rnn", new Rnn(new LstmCell(Input, Hidden, rng, backend), new RnnOptions()));
            Head = AddModule("head", new Dense(Hidden, 1, rng, backend: backend));
        }

        public Rnn Layer { get; }

        public Dense Head { get; }

        public Tensor Forward(Tensor x) => Head.Forward(Layer.Forward(x).Output);
    }

    private static (float[] Losses, bool Fused) Train(IBackend backend)
    {
        var rng = new Rng(7);
        var x = new float[Batch * Time * Input];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = rng.Uniform(-1f, 1f);
        }

        // Target: the mean of each sequence's first feature, so the state must carry a sum.
        var y = new float[Batch];
        for (int b = 0; b < Batch; b++)
        {
            for (int t = 0; t < Time; t++)
            {
                y[b] += x[(b * Time + t) * Input] / Time;
            }
        }

        var xs = backend.FromArray(x, new[] { Batch, Time, Input });   // [batch, time, input]
        var ys = backend.FromArray(y, new[] { Batch, 1 });              // [batch, 1]
        var net = new Net(backend);
        var opt = new Adam(Optimizer.Named(net), learningRate: 0.01f);
        var losses = new float[Steps];
        for (int s = 0; s < Steps; s++)
        {
            opt.ZeroGrad();
            using var tape = Tape.Begin();
            var loss = MseLoss.Compute(net.Forward(xs), ys);
            losses[s] = loss.Item();
            tape.Backward(loss);
            opt.Step();
        }

        return (losses, net.Layer.LastCallFused);
    }

    private static void AssertSameLosses(IBackend cuda)
    {
        var (cpu, cpuFused) = Train(new CpuBackend(threads: 1));
        var (gpu, gpuFused) = Train(cuda);
        Assert.That(cpuFused && gpuFused, Is.True, "both runs must take the fused LSTM path");
        Assert.That(cpu[^1], Is.LessThan(cpu[0] * 0.5f), "the reference run must learn, or the comparison says little");

        // Both backends compute in float32 but sum in different orders (packed SIMD GEMM vs tiled
        // or cuBLAS GEMM) and use different exp/tanh implementations, ~1e-7 relative per op. Twenty
        // Adam steps, whose normalised updates amplify small gradient differences, grow that to
        // about 2e-6 relative on the loss (measured on the simulated accelerator); 1e-4 relative
        // leaves a factor of 50 for GPU math libraries while still catching a wrong kernel, which
        // moves the losses by percents within a few steps.
        for (int s = 0; s < Steps; s++)
        {
            Assert.That(gpu[s], Is.EqualTo(cpu[s]).Within(1e-6f + 1e-4f * MathF.Abs(cpu[s])),
                $"step {s}: cpu {cpu[s]:G9}, cuda {gpu[s]:G9}");
        }

        TestContext.Out.WriteLine($"{cuda.Name}: max relative loss difference " +
            $"{cpu.Zip(gpu, (a, b) => MathF.Abs(a - b) / MathF.Abs(a)).Max():G3}");
    }

    [Test]
    public void LossesMatchCpuOnSimulatedAccelerator() => AssertSameLosses(SharedBackends.CpuSimulated);

    [Test]
    public void LossesMatchCpuOnRealGpu() => AssertSameLosses(SharedBackends.RealGpu);
}
