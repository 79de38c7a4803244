using System.Globalization;
using Rnn.Bench.Peers;
using Rnn.Core;
using Rnn.Core.Autograd;
using Rnn.Core.Nn;
using Rnn.Core.Onnx;
using Rnn.Core.Recurrent;
using TorchSharp;
using RnnLayer = Rnn.Core.Recurrent.Rnn;

namespace Rnn.Bench.Cases;

/// <summary>
/// LSTM or GRU over a whole sequence, batch-first, returning every step: inference (forward
/// only, no tape) or one training step (forward, backward from a fixed output gradient, zeroed
/// gradients). Ours is the generic Rnn layer over a built-in cell (the fused sequence kernel);
/// the peers are TorchSharp nn.LSTM / nn.GRU and, for LSTM inference, ONNX Runtime's LSTM op on
/// the model our exporter writes. bytes/step is the managed memory one steady-state run
/// allocates on all threads, divided by the time steps; loop bytes/step is what each extra time
/// step adds (a run of all steps against one of half as many) beyond the tensors the caller gets
/// back that grow with time (the output sequence, and in training its gradient).
/// </summary>
internal static class RecurrentCase
{
    public static CaseResult Run(BenchContext ctx, string name, RecurrentShape shape, bool train, bool withOrt)
    {
        var be = ctx.Backend;
        var (cell, layer) = Build(shape, be);
        var x = be.FromArray(BenchContext.Random(shape.Batch * shape.Time * shape.Input, 3),
            new[] { shape.Batch, shape.Time, shape.Input });   // [batch, time, input]
        var dy = be.FromArray(BenchContext.Random(shape.Batch * shape.Time * shape.Hidden, 4),
            new[] { shape.Batch, shape.Time, shape.Hidden });   // [batch, time, hidden]
        Action ours = train ? () => TrainStep(layer, x, dy) : () => Infer(layer, x);
        var contenders = new List<Contender> { new("ours", ours) };

        TorchRecurrent? torchRun = null;
        if (ctx.TorchFailure is null)
        {
            torchRun = new TorchRecurrent(shape);
            contenders.Add(new(TorchPeer.Name, train ? torchRun.TrainStep : torchRun.Infer));
        }

        OrtRecurrent? ort = null;
        if (withOrt && ctx.Wants(OrtRecurrent.Name))
        {
            var weights = shape.Kind == CellKind.Lstm
                ? OnnxRecurrentLayout.FromCells(OnnxDirection.Forward, (LstmCell)cell)
                : OnnxRecurrentLayout.FromCells(OnnxDirection.Forward, (GruCell)cell);
            ort = new OrtRecurrent(weights, shape.Time, shape.Batch, ctx.Threads);
            contenders.Add(new(OrtRecurrent.Name, ort.Run));
        }

        var timing = Harness.Measure(ctx, name, contenders);
        long bytes = Harness.AllocatedBytes(ours);
        long loop = LoopBytesPerStep(shape, layer, be, train);
        torchRun?.Dispose();
        ort?.Dispose();

        var peers = new List<PeerFigure>();
        peers.Add(ctx.TorchFailure is null
            ? new PeerFigure(TorchPeer.Name, timing.MedianMs[1])
            : new PeerFigure(TorchPeer.Name, null, ctx.TorchFailure));
        if (ort is not null)
        {
            peers.Add(new PeerFigure(OrtRecurrent.Name, timing.MedianMs[^1]));
        }

        double flops = shape.ForwardFlops * (train ? 3 : 1);
        string cpu = string.Join(", ", timing.Names.Select((n, i) =>
            string.Create(CultureInfo.InvariantCulture, $"{n} {timing.MedianCpuMs[i]:0}")));
        string notes = string.Create(CultureInfo.InvariantCulture,
            $"{shape.Describe()}; ours {flops / (timing.MedianMs[0] * 1e6):0.0} GFLOP/s; " +
            $"bytes/step {bytes / shape.Time:N0} ({bytes / 1e6:0.0} MB a run), loop bytes/step {loop:N0}; " +
            $"CPU ms {cpu}");
        return new CaseResult(name, timing.MedianMs[0], peers, notes);
    }

    // Zero inputs and output gradients of the case's shapes, for any number of steps.
    private static long LoopBytesPerStep(RecurrentShape shape, RnnLayer layer, IBackend be, bool train) =>
        Harness.LoopBytesPerStep(shape.Time, time =>
        {
            var x = be.Zeros(new[] { shape.Batch, time, shape.Input });   // [batch, time, input]
            var dy = be.Zeros(new[] { shape.Batch, time, shape.Hidden });   // [batch, time, hidden]
            return train ? () => TrainStep(layer, x, dy) : () => Infer(layer, x);
        });

    private static (Module Cell, RnnLayer Layer) Build(RecurrentShape shape, IBackend be)
    {
        var rng = new Rng(11);
        Module cell = shape.Kind == CellKind.Lstm
            ? new LstmCell(shape.Input, shape.Hidden, rng, be)
            : new GruCell(shape.Input, shape.Hidden, rng, resetAfter: true, be);
        var layer = new RnnLayer((IRnnCell)cell, new RnnOptions { ReturnSequences = true });
        return (cell, layer);
    }

    // Each call gives back what it made when it is done, as the torch peer's dispose scope does:
    // the next call's output takes the same memory (Tensor.Dispose).
    private static void Infer(RnnLayer layer, Tensor x)
    {
        using var result = layer.Forward(x);
    }

    internal static void TrainStep(RnnLayer layer, Tensor x, Tensor dy)
    {
        using var tape = Tape.Begin();
        using var result = layer.Forward(x);
        tape.Backward(result.Output, dy);   // output [batch, time, hidden]
        layer.ZeroGrad();
    }
}
