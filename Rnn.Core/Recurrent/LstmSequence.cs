using Rnn.Core.Autograd;

namespace Rnn.Core.Recurrent;

/// <summary>
/// The fused LSTM sequence kernel (the cuDNN strategy): the input projection of every step as
/// one GEMM [time*batch, in] x W_ih^T, then per step one GEMM h W_hh^T and one
/// <see cref="IBackend.LstmGatesForward"/> call; the whole sequence is one tape entry whose
/// backward runs BPTT through <see cref="IBackend.LstmGatesBackward"/> and computes dW_ih,
/// dW_hh, dbias and dx with GEMMs batched over all steps. Scratch buffers come from a pooled
/// <see cref="Workspace"/>; W_hh is packed once per pass (<see cref="RecurrentWeight"/>), and on
/// the CPU a step's GEMM and gate kernel run as one parallel region (CpuBackend.LstmStepForward).
/// </summary>
internal static class LstmSequence
{
    public static RnnResult Forward(
        LstmCell cell, Tensor x, Tensor[] states, SequencePlan plan, bool returnSequences,
        Tensor? recurrentKeep)
    {
        var be = x.Backend;
        int batch = plan.Batch;
        int time = plan.Time;
        int hd = cell.Hidden;
        int g4 = 4 * hd;
        CheckInput(cell, x);
        var (w, u, bias) = (cell.WeightIh.Value, cell.WeightHh.Value, cell.Bias.Value);
        var (h0, c0) = (states[0], states[1]);
        var mask = plan.AllValid ? null : plan.MaskTensor(be);   // [time*batch]

        var ws = new Workspace();   // scratch, pooled until the backward pass (or the end of this call)
        var xs = FusedSequence.GatherInputs(x, plan, u, ws);   // [time*batch, in]
        bool training = Tape.IsTracking(new[] { x, w, u, bias, h0, c0 });
        using var uT = new RecurrentWeight(u, transB: true, n: g4, k: hd, offset: 0, ld: hd);   // W_hh^T
        var fused = uT.FusedStep(batch, hd, 4);   // GEMM + gates as one parallel region per step
        // Every step in one parallel region, each thread on the same units (see CpuBackend.SequenceTasks),
        // projecting its own inputs where the batch allows (CpuBackend.LstmSequenceForwardProjecting).
        var whole = recurrentKeep is null && fused is { } f && f.Cpu.CanRunSequence(f.Packed, batch, hd, 4)
            ? fused
            : null;
        // W_ih^T, for steps that project their own inputs; packed only if a step uses it.
        using var wT = whole is null ? null
            : new RecurrentWeight(w, transB: true, n: g4, k: cell.InputSize, offset: 0, ld: cell.InputSize);
        var packedW = wT?.Packed is { } pw && whole!.Value.Cpu.CanProjectInSteps(pw, batch, hd, 4) ? pw : null;
        // Inference keeps no states but the last: two slots of h and c, used in turn, stay in cache
        // where time + 1 slots would stream through memory.
        bool twoSlots = packedW is not null && !training;
        int slots = twoSlots ? 2 : time + 1;
        var hs = ws.Take(be, slots * batch, hd);   // slot t = state before step t (t % 2 with two slots)
        var cs = ws.Take(be, slots * batch, hd);
        be.Copy(h0, hs.Slice(0, batch, hd));
        be.Copy(c0, cs.Slice(0, batch, hd));
        var drop = recurrentKeep is null ? null : new DroppedStates(recurrentKeep, hs, time);
        var rec = drop?.Buffer ?? hs;   // what the recurrent GEMM reads: h_{t-1}, or it dropped out
        Tensor? gates = null;   // [time*batch, 4*hidden]: activated gates, for the backward pass
        Tensor? output = null;   // written by the steps themselves, where they can
        if (whole is { } region && packedW is not null)
        {
            gates = training ? ws.Take(be, time * batch, g4) : null;
            output = returnSequences ? be.Allocate(new[] { batch, time, hd }) : null;   // [batch, time, hidden]
            region.Cpu.LstmSequenceForwardProjecting(time, batch, hd, region.Packed, packedW, xs, bias, hs, gates,
                cs, mask, output, twoSlots);
        }
        else if (whole is not null)
        {
            gates = FusedSequence.Project(xs, w, bias, ws);
            whole.Value.Cpu.LstmSequenceForward(time, batch, hd, whole.Value.Packed, hs, gates, cs, mask);
        }
        else
        {
            gates = FusedSequence.Project(xs, w, bias, ws);
            for (int t = 0; t < time; t++)
            {
                int prev = t * batch * hd;
                int next = (t + 1) * batch * hd;
                int g = t * batch * g4;
                drop?.Drop(t);
                if (fused is { } step)
                {
                    step.Cpu.LstmStepForward(batch, hd, step.Packed, rec, prev, gates, g,
                        cs, prev, hs, prev, cs, next, hs, next, mask, t * batch);
                    continue;
                }

                uT.Multiply(batch, rec, prev, hd, 1f, gates, g, g4);
                be.LstmGatesForward(batch, hd, gates, g, cs, prev, hs, prev, cs, next, hs, next, mask, t * batch);
            }
        }

        // Padded steps carry the state, so the last slot is each sample's last valid step.
        int last = twoSlots ? time % 2 : time;
        var hT = FusedSequence.Slot(hs, last, batch, hd);   // [batch, hidden]
        var cT = FusedSequence.Slot(cs, last, batch, hd);
        output ??= returnSequences
            ? FusedSequence.SequenceOutput(hs, plan, hd)   // [batch, time, hidden]
            : FusedSequence.LastOutput(hs, plan, hd, last);   // [batch, hidden]
        if (training)
        {
            var saved = new Saved(x, xs, gates!, hs, cs, mask, drop, plan, returnSequences, ws);
            Tape.Record(output, () => Backward(cell, saved, output, hT, cT, h0, c0));
            hT.RequiresGrad = true;
            cT.RequiresGrad = true;
        }
        else
        {
            ws.Release();   // outputs and final states are copies
        }

        return new RnnResult(output, new[] { hT, cT });
    }

    private static void Backward(LstmCell cell, Saved s, Tensor output, Tensor hT, Tensor cT, Tensor h0, Tensor c0)
    {
        if (output.Grad is null && hT.Grad is null && cT.Grad is null)
        {
            s.Workspace.Release();
            return;
        }

        var be = output.Backend;
        var plan = s.Plan;
        int batch = plan.Batch;
        int hd = cell.Hidden;
        int g4 = 4 * hd;
        var u = cell.WeightHh.Value;
        var dh = be.Zeros(new[] { batch, hd });   // dL/dh_t flowing back in time
        var dhPrev = be.Allocate(new[] { batch, hd });
        var dc = be.Zeros(new[] { batch, hd });   // dL/dc_t, updated in place by the kernel
        FusedSequence.AddIfPresent(hT.Grad, dh);
        FusedSequence.AddIfPresent(cT.Grad, dc);
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

        var dG = s.Workspace.Take(be, plan.Time * batch, g4);   // [time*batch, 4*hidden]
        using var uN = new RecurrentWeight(u, transB: false, n: hd, k: g4, offset: 0, ld: hd);   // W_hh
        for (int t = plan.Time - 1; t >= 0; t--)
        {
            int prev = t * batch * hd;
            int g = t * batch * g4;
            if (dSeq is not null)
            {
                // No view object: the loop allocates nothing per step.
                be.CopyBlocks(dSeq, prev, 0, dh, 0, 0, batch * hd, 1, accumulate: true);
            }

            be.LstmGatesBackward(batch, hd, s.Gates, g, s.Cs, prev, s.Cs, prev + batch * hd,
                dh, 0, dc, 0, dG, g, dhPrev, 0, s.Mask, t * batch);
            if (s.Drop is { } drop)
            {
                uN.Multiply(batch, dG, g, g4, 0f, drop.Gradient, 0, hd);
                drop.AddGradient(dhPrev);
            }
            else
            {
                uN.Multiply(batch, dG, g, g4, 1f, dhPrev, 0, hd);
            }
            (dh, dhPrev) = (dhPrev, dh);
        }

        FusedSequence.AddStateGrad(h0, dh);
        FusedSequence.AddStateGrad(c0, dc);
        if (u.RequiresGrad)
        {
            // dW_hh [4H, H] = sum over steps of dG_t^T h_{t-1}: slots 0..time-1 are exactly those h
            // (or their dropped-out copies, which is what W_hh multiplied).
            var rec = s.Drop?.Buffer ?? s.Hs;
            be.Gemm(true, false, g4, hd, plan.Time * batch, 1f, dG, 0, g4, rec, 0, hd, 1f, u.EnsureGrad(), 0, hd);
        }

        FusedSequence.InputGrads(s.X, s.Xs, cell.WeightIh.Value, cell.Bias.Value, dG, plan, s.Workspace);
        s.Workspace.Release();
    }

    private static void CheckInput(LstmCell cell, Tensor x)
    {
        if (x.Dim(2) != cell.InputSize)
        {
            throw new ArgumentException($"LstmCell expects {cell.InputSize} input features; got {x.Describe()}");
        }
    }

    private sealed record Saved(
        Tensor X, Tensor Xs, Tensor Gates, Tensor Hs, Tensor Cs, Tensor? Mask, DroppedStates? Drop,
        SequencePlan Plan, bool ReturnSequences, Workspace Workspace);
}
