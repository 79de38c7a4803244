namespace Rnn.Core.Recurrent;

/// <summary>
/// Recurrent dropout inside the fused kernels: the copy h_{t-1} * keep that each step's
/// recurrent GEMM reads (the carried state stays whole), and the way back, d(h_{t-1}) +=
/// d(dropped) * keep. The per-step views are made once per call, so the time loop allocates
/// nothing.
/// </summary>
internal sealed class DroppedStates
{
    private readonly Tensor keep;
    private readonly Tensor[] stateViews;
    private readonly Tensor[] droppedViews;

    /// <param name="keep">[batch, hidden]: 0 or 1/(1-rate), one mask for the whole sequence.</param>
    /// <param name="hs">State slots [(time+1)*batch, hidden].</param>
    /// <param name="time">Number of steps.</param>
    public DroppedStates(Tensor keep, Tensor hs, int time)
    {
        this.keep = keep;
        int batch = keep.Dim(0);
        int hidden = keep.Dim(1);
        var be = hs.Backend;
        Buffer = be.Allocate(new[] { time * batch, hidden });   // row t*batch + b: dropped h_{t-1}
        Gradient = be.Allocate(new[] { batch, hidden });
        stateViews = new Tensor[time];
        droppedViews = new Tensor[time];
        for (int t = 0; t < time; t++)
        {
            stateViews[t] = hs.Slice(t * batch * hidden, batch, hidden);
            droppedViews[t] = Buffer.Slice(t * batch * hidden, batch, hidden);
        }
    }

    /// <summary>[time*batch, hidden]; step t's block sits at the same offset as slot t of hs.</summary>
    public Tensor Buffer { get; }

    /// <summary>Scratch [batch, hidden] for dL/d(dropped h_{t-1}) of the step being back-propagated.</summary>
    public Tensor Gradient { get; }

    /// <summary>Fills step t's block: h_{t-1} * keep.</summary>
    public void Drop(int t) => keep.Backend.Binary(BinaryOp.Mul, stateViews[t], keep, droppedViews[t]);

    /// <summary>dhPrev += <see cref="Gradient"/> * keep (Gradient is overwritten).</summary>
    public void AddGradient(Tensor dhPrev)
    {
        var be = keep.Backend;
        be.Binary(BinaryOp.Mul, Gradient, keep, Gradient);
        be.Axpy(1f, Gradient, dhPrev);
    }
}
