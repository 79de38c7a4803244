namespace Rnn.Core.Recurrent;

/// <summary>
/// The parts the fused LSTM and GRU sequence kernels share: time-major input gathering, the one
/// input-projection GEMM for all steps, the output layout, and the batched input-side gradients.
/// Buffers are time-major: row t*batch + b is step t of sample b, in processing order.
/// </summary>
internal static class FusedSequence
{
    /// <summary>xs [time*batch, in]: row t*batch + b = the input sample b reads at step t.</summary>
    public static Tensor GatherInputs(Tensor x, SequencePlan plan, Tensor weight, Workspace ws)
    {
        if (!ReferenceEquals(x.Backend, weight.Backend))
        {
            throw new ArgumentException(BackendChecks.BackendMismatch("input", x, "the cell's weight", weight));
        }

        int features = x.Dim(2);
        var be = x.Backend;
        var xs = ws.Take(be, plan.Time * plan.Batch, features);   // [time*batch, in]
        // Views made here are disposed, so they never keep the caller's tensor from Tensor.Dispose's pool.
        using var rows = x.View(plan.Batch * plan.Time, features);
        be.GatherRows(rows, plan.Source, xs);

        // A padded step's input is never used (its gates are zeroed); zeros keep a NaN or an
        // infinity there out of the weight gradient, where 0 * NaN would carry it in.
        ForEachPadding(plan, (t, b) => FillZeros(xs, (t * plan.Batch + b) * features, features));
        return xs;
    }

    /// <summary>xs W^T + bias for every step as one GEMM: [time*batch, width].</summary>
    public static Tensor Project(Tensor xs, Tensor weight, Tensor bias, Workspace ws)
    {
        var be = xs.Backend;
        int rows = xs.Dim(0);
        int features = xs.Dim(1);
        int width = weight.Dim(0);
        var g = ws.Take(be, rows, width);   // [time*batch, width]
        if (be is CpuBackend cpu)
        {
            cpu.GemmBias(false, true, rows, width, features, 1f, xs, 0, features, weight, 0, features, bias, 0,
                0f, g, 0, width);
            return g;
        }

        be.CopyBlocks(bias, 0, 0, g, 0, width, width, rows);   // every row starts as the bias
        be.Gemm(false, true, rows, width, features, 1f, xs, 0, features, weight, 0, features, 1f, g, 0, width);
        return g;
    }

    /// <summary>
    /// A [batch, time, hidden] sequence from the state slots hs [(time+1)*batch, hidden], zero at
    /// padding.
    /// </summary>
    public static Tensor SequenceOutput(Tensor hs, SequencePlan plan, int hidden)
    {
        int batch = plan.Batch;
        int time = plan.Time;
        var be = hs.Backend;
        var y = be.Allocate(new[] { batch, time, hidden });   // [batch, time, hidden]
        for (int t = 0; t < time; t++)
        {
            // Slot t+1 holds step t's h for every sample: one strided copy a step, no index array.
            be.CopyBlocks(hs, (t + 1) * batch * hidden, hidden, y, t * hidden, time * hidden, hidden, batch);
        }

        ForEachPadding(plan, (t, b) => FillZeros(y, (b * time + t) * hidden, hidden));
        return y;
    }

    /// <summary>
    /// The gradient of a [batch, time, hidden] output laid out time-major [time*batch, hidden],
    /// zero at padding.
    /// </summary>
    public static Tensor TimeMajorGrad(Tensor dy, SequencePlan plan, int hidden, Workspace ws)
    {
        int batch = plan.Batch;
        int time = plan.Time;
        var be = dy.Backend;
        var g = ws.Take(be, time * batch, hidden);   // [time*batch, hidden]
        for (int t = 0; t < time; t++)
        {
            be.CopyBlocks(dy, t * hidden, time * hidden, g, t * batch * hidden, hidden, hidden, batch);
        }

        ForEachPadding(plan, (t, b) => FillZeros(g, (t * batch + b) * hidden, hidden));
        return g;
    }

    /// <summary>A copy of state slot s of a [(time+1)*batch, hidden] buffer: [batch, hidden].</summary>
    public static Tensor Slot(Tensor buffer, int slot, int batch, int hidden)
    {
        var be = buffer.Backend;
        var s = be.Allocate(new[] { batch, hidden });
        be.Copy(buffer.Slice(slot * batch * hidden, batch, hidden), s);
        return s;
    }

    /// <summary>
    /// Input-side gradients from the pre-activation gradients dG [time*batch, width] of all steps:
    /// dW += dG^T xs, dbias += column sums of dG, dx += dG W scattered back to x's rows.
    /// </summary>
    public static void InputGrads(
        Tensor x, Tensor xs, Tensor weight, Tensor bias, Tensor dG, SequencePlan plan, Workspace ws)
    {
        var be = x.Backend;
        int rows = xs.Dim(0);
        int features = xs.Dim(1);
        int width = weight.Dim(0);
        if (weight.RequiresGrad)
        {
            be.Gemm(true, false, width, features, rows, 1f, dG, 0, width, xs, 0, features,
                1f, weight.EnsureGrad(), 0, features);
        }

        if (bias.RequiresGrad)
        {
            be.ReduceSumTo(dG, bias.EnsureGrad(), accumulate: true);
        }

        if (x.RequiresGrad)
        {
            var dxs = ws.Take(be, rows, features);   // [time*batch, in]
            be.Gemm(false, false, rows, features, width, 1f, dG, 0, width, weight, 0, features,
                0f, dxs, 0, features);
            using var dx = x.EnsureGrad().View(plan.Batch * plan.Time, features);
            be.ScatterAddRows(dxs, plan.Source, dx);
        }
    }

    /// <summary>
    /// The last valid output of each sample, [batch, hidden]: the final state slot (<paramref name="slot"/>
    /// of hs), since padded steps carry the state; zeros for samples with no valid step.
    /// </summary>
    public static Tensor LastOutput(Tensor hs, SequencePlan plan, int hidden, int slot)
    {
        var y = Slot(hs, slot, plan.Batch, hidden);
        foreach (int b in plan.EmptySamples)
        {
            FillZeros(y, b * hidden, hidden);
        }

        return y;
    }

    /// <summary>Adds the gradient of <see cref="LastOutput"/> into dh, except for samples with no valid step.</summary>
    public static void AddLastOutputGrad(Tensor dy, Tensor dh, SequencePlan plan, int hidden)
    {
        var be = dy.Backend;
        be.Axpy(1f, dy, dh);
        foreach (int b in plan.EmptySamples)
        {
            be.Axpy(-1f, dy.Slice(b * hidden, hidden), dh.Slice(b * hidden, hidden));
        }
    }

    /// <summary>Seeds dh (and dc) from the final-state and last-output gradients.</summary>
    public static void AddIfPresent(Tensor? grad, Tensor into)
    {
        if (grad is not null)
        {
            into.Backend.Axpy(1f, grad, into);
        }
    }

    /// <summary>Adds a gradient into an initial state that requires one.</summary>
    public static void AddStateGrad(Tensor state, Tensor grad)
    {
        if (state.RequiresGrad)
        {
            state.Backend.Axpy(1f, grad, state.EnsureGrad());
        }
    }

    private static void ForEachPadding(SequencePlan plan, Action<int, int> action)
    {
        if (plan.AllValid)
        {
            return;
        }

        for (int t = 0; t < plan.Time; t++)
        {
            for (int b = 0; b < plan.Batch; b++)
            {
                if (!plan.Valid[t * plan.Batch + b])
                {
                    action(t, b);
                }
            }
        }
    }

    // Zeros over elements [start, start + count) of t, through a view that is disposed at once.
    private static void FillZeros(Tensor t, int start, int count)
    {
        using var part = t.Slice(start, count);
        t.Backend.Fill(part, 0f);
    }
}
