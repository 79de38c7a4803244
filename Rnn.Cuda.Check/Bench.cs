using System.Diagnostics;
using Rnn.Core;
using Rnn.Core.Autograd;
using Rnn.Core.Recurrent;

namespace Rnn.Cuda.Check;

/// <summary>One timed case: a cell kind, sizes, whether a backward pass is included.</summary>
internal sealed record BenchCase(string Name, bool Lstm, bool Train, int Input, int Hidden, int Batch, int Steps);

/// <summary>
/// LSTM/GRU timings on a backend: a whole sequence through the Rnn layer (fused path), forward
/// only under NoGrad (infer) or forward + backward of a mean-square loss (train). Each repetition
/// ends with a host read, which waits for the device, so the wall time covers the GPU work.
/// </summary>
internal static class Bench
{
    /// <summary>The cases of the issue (input 256, hidden 512, batch 64, 100 steps; latency at batch 1).</summary>
    public static BenchCase[] Cases(bool tiny)
    {
        // Tiny sizes for the CPU-simulated accelerator, which only checks that the code runs.
        int s = tiny ? 32 : 1;
        return new[]
        {
            new BenchCase("lstm-train", true, true, 256 / s, 512 / s, 64 / s, 100 / (s / 4 + 1)),
            new BenchCase("lstm-infer", true, false, 256 / s, 512 / s, 64 / s, 100 / (s / 4 + 1)),
            new BenchCase("gru-train", false, true, 256 / s, 512 / s, 64 / s, 100 / (s / 4 + 1)),
            new BenchCase("gru-infer", false, false, 256 / s, 512 / s, 64 / s, 100 / (s / 4 + 1)),
            new BenchCase("lstm-latency", true, false, 256 / s, 256 / s, 1, 200 / (s / 4 + 1)),
        };
    }

    /// <summary>
    /// Median wall milliseconds of <paramref name="reps"/> runs after <paramref name="warmup"/> runs.
    /// </summary>
    public static double MedianMs(IBackend backend, BenchCase c, int warmup, int reps)
    {
        var rng = new Rng(3);
        IRnnCell cell = c.Lstm
            ? new LstmCell(c.Input, c.Hidden, rng, backend)
            : new GruCell(c.Input, c.Hidden, rng, backend: backend);
        var layer = new Core.Recurrent.Rnn(cell, new RnnOptions { ReturnSequences = true });
        var data = new float[c.Batch * c.Steps * c.Input];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = rng.Uniform(-1f, 1f);
        }

        var x = backend.FromArray(data, new[] { c.Batch, c.Steps, c.Input });   // [batch, time, input]
        var times = new List<double>();
        for (int r = 0; r < warmup + reps; r++)
        {
            var watch = Stopwatch.StartNew();
            RunOnce(layer, x, c.Train);
            watch.Stop();
            if (r >= warmup)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static void RunOnce(Core.Recurrent.Rnn layer, Tensor x, bool train)
    {
        if (!train)
        {
            using var noGrad = Tape.NoGrad();
            _ = x.Backend.Sum(layer.Forward(x).Output);   // host read: waits for the device
            return;
        }

        layer.ZeroGrad();
        using var tape = Tape.Begin();
        var loss = Ops.Mean(Ops.Square(layer.Forward(x).Output));
        tape.Backward(loss);
        _ = x.Backend.Sum(((Core.Nn.Module)layer).Parameters().First().Grad!);
    }
}
