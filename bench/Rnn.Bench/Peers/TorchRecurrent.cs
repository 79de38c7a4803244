using Rnn.Bench.Cases;
using TorchSharp;

namespace Rnn.Bench.Peers;

/// <summary>
/// TorchSharp's nn.LSTM / nn.GRU (batch_first) on the same shapes: inference under no_grad, or
/// a training step (forward, backward from a fixed output gradient, zero_grad). Every
/// temporary is freed by a dispose scope per run, as a careful TorchSharp user would.
/// </summary>
internal sealed class TorchRecurrent : IDisposable
{
    private readonly Func<torch.Tensor, torch.Tensor> forward;   // input -> output sequence
    private readonly torch.nn.Module module;
    private readonly torch.Tensor x;
    private readonly torch.Tensor dy;

    public TorchRecurrent(RecurrentShape shape)
    {
        torch.manual_seed(5);
        if (shape.Kind == CellKind.Lstm)
        {
            var lstm = torch.nn.LSTM(shape.Input, shape.Hidden, batchFirst: true);
            forward = input => lstm.forward(input).Item1;   // (output, h, c)
            module = lstm;
        }
        else
        {
            var gru = torch.nn.GRU(shape.Input, shape.Hidden, batchFirst: true);
            forward = input => gru.forward(input).Item1;   // (output, h)
            module = gru;
        }

        x = torch.rand(shape.Batch, shape.Time, shape.Input) * 2 - 1;   // [batch, time, input]
        dy = torch.rand(shape.Batch, shape.Time, shape.Hidden) * 2 - 1;   // [batch, time, hidden]
    }

    public void Infer()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        forward(x);
    }

    public void TrainStep()
    {
        using var scope = torch.NewDisposeScope();
        var y = forward(x);
        y.backward(new[] { dy });
        module.zero_grad();
    }

    public void Dispose()
    {
        x.Dispose();
        dy.Dispose();
        module.Dispose();
    }
}
