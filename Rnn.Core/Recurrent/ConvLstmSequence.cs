using Rnn.Core.Autograd;
using Rnn.Core.Cpu;

namespace Rnn.Core.Recurrent;

/// <summary>
/// The fused ConvLSTM sequence kernel, on the CPU backend. Inside it the maps are channels-last,
/// a row per position ([time*batch*height*width, channels], time-major), which makes each 'same'
/// convolution one GEMM over every position against a weight packed once (the approach of
/// im2col + GEMM, with the positions as the long side):
/// <list type="bullet">
/// <item>the input side of every step is one GEMM, columns(x) [time*batch*h*w, k*k*in] W_ih'^T + bias;</item>
/// <item>a step adds columns(h_{t-1}) [batch*h*w, k*k*filters] W_hh'^T into its gate rows and runs
/// the LSTM gate kernel on them (a position is a batch row with hidden = filters, gates i, f, g, o);</item>
/// <item>backward is BPTT: per step the gate backward, dcol = dG W_hh' folded back onto dh_{t-1},
/// and dW_hh' += dG^T columns(h_{t-1}); the input side's gradients are GEMMs over all steps.</item>
/// </list>
/// W' is the weight with its kernel axes before its channel axis ([4F, k, k, C]), the column
/// order of <see cref="NhwcColumns"/>. Scratch comes from a pooled <see cref="Workspace"/> and the
/// time loop allocates nothing. Other backends run the cell step by step (Rnn's step path).
/// </summary>
internal static class ConvLstmSequence
{
    /// <summary>
    /// Whether the fused kernel takes this input: [batch, time, channels, height, width] on the CPU,
    /// with every whole-sequence buffer (gates, input columns) inside one array. Longer sequences of
    /// large maps run step by step, where each step's tensors are separate.
    /// </summary>
    public static bool Supports(ConvLstm2DCell cell, Tensor x) => x.Backend is CpuBackend && Fits(cell, x.Shape);

    /// <summary>Whether an input of shape [batch, time, channels, height, width] fits the fused buffers.</summary>
    public static bool Fits(ConvLstm2DCell cell, ReadOnlySpan<int> shape)
    {
        if (shape.Length != 5)
        {
            return false;
        }

        long positions = (long)shape[0] * shape[1] * shape[3] * shape[4];
        long k2 = (long)cell.Kernel * cell.Kernel;
        long widest = Math.Max(4L * cell.Filters, k2 * Math.Max(cell.InChannels, cell.Filters));
        return positions * widest <= Array.MaxLength;
    }

    public static RnnResult Forward(
        ConvLstm2DCell cell, Tensor x, Tensor[] states, SequencePlan plan, bool returnSequences,
        Tensor? recurrentKeep)
    {
        if (!ReferenceEquals(x.Backend, cell.WeightIh.Value.Backend))
        {
            throw new ArgumentException(
                BackendChecks.BackendMismatch("input", x, "the cell's weight", cell.WeightIh.Value));
        }

        var (h0, c0) = (states[0], states[1]);
        bool training = Tape.IsTracking(new[] { x, cell.WeightIh.Value, cell.WeightHh.Value, cell.Bias.Value, h0, c0 });
        var pass = new ConvLstmPass(cell, plan, (CpuBackend)x.Backend);
        pass.Forward(x, h0, c0, recurrentKeep);
        var (output, hT, cT) = pass.Results(returnSequences);
        if (training)
        {
            Tape.Record(output, () => pass.Backward(x, output, hT, cT, h0, c0, returnSequences));
            hT.RequiresGrad = true;
            cT.RequiresGrad = true;
        }
        else
        {
            pass.Workspace.Release();   // outputs and final states are copies
        }

        return new RnnResult(output, new[] { hT, cT });
    }
}
