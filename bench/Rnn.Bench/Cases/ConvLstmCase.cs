using System.Globalization;
using Rnn.Core;
using Rnn.Core.Recurrent;
using RnnLayer = Rnn.Core.Recurrent.Rnn;

namespace Rnn.Bench.Cases;

/// <summary>
/// ConvLSTM2D 16 -> 64 channels, 3x3 'same', 16x16 frames, batch 8, 10 steps, returning every
/// step, one training step (forward + backward). No .NET library has a ConvLSTM to compare
/// with, so the case prints our time and GFLOP/s only, and the managed bytes a run and a step
/// allocate.
/// </summary>
internal static class ConvLstmCase
{
    private const int Batch = 8, Time = 10, InChannels = 16, Filters = 64, Kernel = 3, Size = 16;

    public static CaseResult Run(BenchContext ctx)
    {
        var be = ctx.Backend;
        var cell = new ConvLstm2DCell(InChannels, Filters, Kernel, new Rng(13), Size, Size, be);
        var layer = new RnnLayer(cell, new RnnOptions { ReturnSequences = true });
        var x = be.FromArray(BenchContext.Random(Batch * Time * InChannels * Size * Size, 5),
            new[] { Batch, Time, InChannels, Size, Size });   // [batch, time, channels, height, width]
        var dy = be.FromArray(BenchContext.Random(Batch * Time * Filters * Size * Size, 6),
            new[] { Batch, Time, Filters, Size, Size });   // [batch, time, filters, height, width]
        // As the recurrent cases do: the result is given back when the step is done, so the next
        // step's output can take its memory (Tensor.Dispose).
        void Step() => RecurrentCase.TrainStep(layer, x, dy);

        var timing = Harness.Measure(ctx, "convlstm", new[] { new Contender("ours", Step) });
        long bytes = Harness.AllocatedBytes(Step);
        long loop = LoopBytesPerStep(layer, be);

        // Per step: both convolutions as GEMMs, 2 * batch * H*W * 4F * (Cin + F) * k*k; x3 for training.
        double flops = 3 * 2.0 * Time * Batch * Size * Size * 4 * Filters * (InChannels + Filters) * Kernel * Kernel;
        string notes = string.Create(CultureInfo.InvariantCulture,
            $"ConvLSTM2D {InChannels}->{Filters}, {Kernel}x{Kernel}, {Size}x{Size}, batch {Batch}, {Time} steps, " +
            $"train; ours {flops / (timing.MedianMs[0] * 1e6):0.0} GFLOP/s; no .NET peer; " +
            $"bytes/step {bytes / Time:N0} ({bytes / 1e6:0.0} MB a run), loop bytes/step {loop:N0}");
        return new CaseResult("convlstm", timing.MedianMs[0], Array.Empty<PeerFigure>(), notes);
    }

    // Zero inputs and output gradients of the case's maps, for any number of steps.
    private static long LoopBytesPerStep(RnnLayer layer, IBackend be) =>
        Harness.LoopBytesPerStep(Time, time =>
        {
            var x = be.Zeros(new[] { Batch, time, InChannels, Size, Size });   // [batch, time, channels, h, w]
            var dy = be.Zeros(new[] { Batch, time, Filters, Size, Size });
            return () => RecurrentCase.TrainStep(layer, x, dy);
        });
}
