using Rnn.Core.Autograd;

namespace Rnn.Core.Recurrent;

/// <summary>
/// The fused GRU sequence kernel, both conventions. The input part x W_ih^T + b_ih of every step
/// is one GEMM; per step, reset-after runs one GEMM h W_hh^T and one
/// <see cref="IBackend.GruGatesForward"/> call; reset-before needs the reset gate before the
/// n-block GEMM, so it runs GEMM (z, r blocks), <see cref="IBackend.GruResetForward"/>,
/// GEMM (r*h) W_hn^T, <see cref="IBackend.GruGatesForward"/>. One tape entry per sequence with a
/// hand-written BPTT backward; weight gradients are GEMMs batched over all steps. Scratch is
/// pooled (<see cref="Workspace"/>), W_hh packed once per pass, and on the CPU a reset-after
/// step runs GEMM and gates as one parallel region (CpuBackend.GruStepForward).
/// </summary>
internal static class GruSequence
{
    public static RnnResult Forward(
        GruCell cell, Tensor x, Tensor[] states, SequencePlan plan, bool returnSequences,
        Tensor? recurrentKeep)
    {
        var be = x.Backend;
        int batch = plan.Batch;
        int time = plan.Time;
        int hd = cell.Hidden;
        int g3 = 3 * hd;
        if (x.Dim(2) != cell.InputSize)
        {
            throw new ArgumentException($"GruCell expects {cell.InputSize} input features; got {x.Describe()}");
        }

        var h0 = states[0];
        var u = cell.WeightHh.Value;
        var mask = plan.AllValid ? null : plan.MaskTensor(be);   // [time*batch]
        var ws = new Workspace();   // scratch, pooled until the backward pass (or the end of this call)
        var xs = FusedSequence.GatherInputs(x, plan, u, ws);   // [time*batch, in]
        var gi = FusedSequence.Project(xs, cell.WeightIh.Value, cell.BiasIh.Value, ws);   // [time*batch, 3*hidden]
        var gh = ws.Take(be, time * batch, g3);   // recurrent pre-activations, b_hh + h W_hh^T
        var hs = ws.Take(be, (time + 1) * batch, hd);   // slot t = state before step t
        var rh = cell.ResetAfter ? null : ws.Take(be, time * batch, hd);   // r * h_{t-1}
        be.Copy(h0, hs.Slice(0, batch, hd));
        var drop = recurrentKeep is null ? null : new DroppedStates(recurrentKeep, hs, time);
        var rec = drop?.Buffer ?? hs;   // what W_hh multiplies: h_{t-1}, or it dropped out

        // W_hh^T packed once for the loop: all three blocks, or (reset-before) z, r and n apart.
        using var uT = new RecurrentWeight(u, true, cell.ResetAfter ? g3 : 2 * hd, hd, 0, hd);
        using var unT = cell.ResetAfter ? null : new RecurrentWeight(u, true, hd, hd, 2 * hd * hd, hd);
        var fused = cell.ResetAfter ? uT.FusedStep(batch, hd, 3) : null;   // GEMM + gates as one region
        var biasHh = cell.BiasHh.Value;
        if (fused is null)
        {
            be.CopyBlocks(biasHh, 0, 0, gh, 0, g3, g3, time * batch);   // the GEMMs add to it
        }

        if (drop is null && fused is { } whole && whole.Cpu.CanRunSequence(whole.Packed, batch, hd, 3))
        {
            // Every step in one parallel region, each thread on the same units (see CpuBackend.SequenceTasks).
            whole.Cpu.GruSequenceForward(time, batch, hd, whole.Packed, hs, gi, gh, mask, biasHh);
        }
        else
        {
            for (int t = 0; t < time; t++)
            {
                int prev = t * batch * hd;
                int next = (t + 1) * batch * hd;
                int g = t * batch * g3;
                drop?.Drop(t);
                if (fused is { } step)
                {
                    // The fused step writes gh = b_hh + h W_hh^T, the bias added tile by tile.
                    step.Cpu.GruStepForward(batch, hd, step.Packed, rec, prev, gi, g, gh, g, hs, prev, hs, next,
                        mask, t * batch, biasHh);
                    continue;
                }

                if (cell.ResetAfter)
                {
                    uT.Multiply(batch, rec, prev, hd, 1f, gh, g, g3);
                }
                else
                {
                    uT.Multiply(batch, rec, prev, hd, 1f, gh, g, g3);
                    be.GruResetForward(batch, hd, gi, g, gh, g, rec, prev, rh!, prev, mask, t * batch);
                    unT!.Multiply(batch, rh!, prev, hd, 1f, gh, g + 2 * hd, g3);
                }

                be.GruGatesForward(cell.ResetAfter, batch, hd, gi, g, gh, g, hs, prev, hs, next, mask, t * batch);
            }
        }

        var hT = FusedSequence.Slot(hs, time, batch, hd);   // [batch, hidden]
        var output = returnSequences
            ? FusedSequence.SequenceOutput(hs, plan, hd)   // [batch, time, hidden]
            : FusedSequence.LastOutput(hs, plan, hd, time);   // [batch, hidden]
        var inputs = new[] { x, cell.WeightIh.Value, u, cell.BiasIh.Value, cell.BiasHh.Value, h0 };
        if (Tape.IsTracking(inputs))
        {
            var saved = new Saved(x, xs, gi, gh, hs, rh, mask, drop, plan, returnSequences, ws);
            Tape.Record(output, () => Backward(cell, saved, output, hT, h0));
            hT.RequiresGrad = true;
        }
        else
        {
            ws.Release();   // outputs and final states are copies
        }

        return new RnnResult(output, new[] { hT });
    }

    private static void Backward(GruCell cell, Saved s, Tensor output, Tensor hT, Tensor h0)
    {
        if (output.Grad is null && hT.Grad is null)
        {
            s.Workspace.Release();
            return;
        }

        var be = output.Backend;
        var plan = s.Plan;
        int batch = plan.Batch;
        int rows = plan.Time * batch;
        int hd = cell.Hidden;
        int g3 = 3 * hd;
        var u = cell.WeightHh.Value;
        var dh = be.Zeros(new[] { batch, hd });   // dL/dh_t flowing back in time
        var dhPrev = be.Allocate(new[] { batch, hd });
        var dRh = cell.ResetAfter ? null : be.Allocate(new[] { batch, hd });   // dL/d(r*h)
        FusedSequence.AddIfPresent(hT.Grad, dh);
        Tensor? dSeq = null;
        if (output.Grad is { } dy)
        {
            if (s.ReturnSequences)
            {
                dSeq = FusedSequence.TimeMajorGrad(dy, plan, hd, s.Workspace);   // [time*batch, hidden]
            }
            else
            {
                FusedSequence.AddLastOutputGrad(dy, dh, plan, hd);
            }
        }

        var dGi = s.Workspace.Take(be, rows, g3);   // [time*batch, 3*hidden]
        var dGh = s.Workspace.Take(be, rows, g3);

        // W_hh packed once for the loop: all blocks (reset-after), or the z, r blocks and the n block.
        using var uAll = new RecurrentWeight(u, false, hd, cell.ResetAfter ? g3 : 2 * hd, 0, hd);
        using var uNb = cell.ResetAfter ? null : new RecurrentWeight(u, false, hd, hd, 2 * hd * hd, hd);
        for (int t = plan.Time - 1; t >= 0; t--)
        {
            int prev = t * batch * hd;
            int g = t * batch * g3;
            if (dSeq is not null)
            {
                // No view object: the loop allocates nothing per step.
                be.CopyBlocks(dSeq, prev, 0, dh, 0, 0, batch * hd, 1, accumulate: true);
            }

            be.GruGatesBackward(cell.ResetAfter, batch, hd, s.Gi, g, s.Gh, g, s.Hs, prev, dh, 0,
                dGi, g, dGh, g, dhPrev, 0, s.Mask, t * batch);
            // The gradient through W_hh goes to what W_hh multiplied: into dhPrev directly, or,
            // with recurrent dropout, into the dropped copy first and then through the mask.
            var into = s.Drop?.Gradient ?? dhPrev;
            if (cell.ResetAfter)
            {
                uAll.Multiply(batch, dGh, g, g3, s.Drop is null ? 1f : 0f, into, 0, hd);
            }
            else
            {
                if (s.Drop is not null)
                {
                    be.Fill(into, 0f);
                }

                uNb!.Multiply(batch, dGh, g + 2 * hd, g3, 0f, dRh!, 0, hd);
                be.GruResetBackward(batch, hd, s.Gi, g, s.Drop?.Buffer ?? s.Hs, prev, dRh!, 0, dGi, g, dGh, g,
                    into, 0, s.Mask, t * batch);
                uAll.Multiply(batch, dGh, g, g3, 1f, into, 0, hd);
            }

            s.Drop?.AddGradient(dhPrev);

            (dh, dhPrev) = (dhPrev, dh);
        }

        FusedSequence.AddStateGrad(h0, dh);
        if (u.RequiresGrad)
        {
            RecurrentWeightGrad(cell, s, dGh, u.EnsureGrad(), rows);
        }

        if (cell.BiasHh.Value.RequiresGrad)
        {
            be.ReduceSumTo(dGh, cell.BiasHh.Value.EnsureGrad(), accumulate: true);
        }

        FusedSequence.InputGrads(s.X, s.Xs, cell.WeightIh.Value, cell.BiasIh.Value, dGi, plan, s.Workspace);
        s.Workspace.Release();
    }

    // dW_hh = sum over steps of dGh_t^T times what the block multiplied: h_{t-1} (slots 0..time-1)
    // for all blocks when reset-after; for reset-before the n block multiplied r*h_{t-1}.
    private static void RecurrentWeightGrad(GruCell cell, Saved s, Tensor dGh, Tensor du, int rows)
    {
        var be = dGh.Backend;
        int hd = cell.Hidden;
        int g3 = 3 * hd;
        var rec = s.Drop?.Buffer ?? s.Hs;
        if (cell.ResetAfter)
        {
            be.Gemm(true, false, g3, hd, rows, 1f, dGh, 0, g3, rec, 0, hd, 1f, du, 0, hd);
            return;
        }

        be.Gemm(true, false, 2 * hd, hd, rows, 1f, dGh, 0, g3, rec, 0, hd, 1f, du, 0, hd);
        be.Gemm(true, false, hd, hd, rows, 1f, dGh, 2 * hd, g3, s.Rh!, 0, hd, 1f, du, 2 * hd * hd, hd);
    }

    private sealed record Saved(
        Tensor X, Tensor Xs, Tensor Gi, Tensor Gh, Tensor Hs, Tensor? Rh, Tensor? Mask, DroppedStates? Drop,
        SequencePlan Plan, bool ReturnSequences, Workspace Workspace);
}
