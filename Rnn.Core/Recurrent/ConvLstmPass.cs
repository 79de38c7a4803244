using Rnn.Core.Cpu;

namespace Rnn.Core.Recurrent;

/// <summary>
/// One call of <see cref="ConvLstmSequence"/>: its sizes, its channels-last buffers, and the
/// forward and backward passes over them. Buffer rows are positions, time-major: row
/// (t*batch + b)*plane + p is position p of sample b at step t (plane = height*width), so a
/// step's rows are one contiguous block and state slot t of hs and cs sits at t*batch*plane rows.
/// The pass is also the parallel body of the forward gate kernel: a step's rows are split among
/// the threads, each running the backend's (one-thread) LSTM gate kernel on its share.
/// </summary>
internal sealed class ConvLstmPass : IForkJoinBody
{
    private readonly ConvLstm2DCell cell;
    private readonly SequencePlan plan;
    private readonly CpuBackend cpu;
    private readonly int batch, time, filters, inChannels, plane, rows, g4;
    private readonly NhwcColumns hColumns, xColumns;
    private readonly int parts;   // row shares of a step's gate kernel
    private readonly SequenceLayouts layouts;

    // Set by Forward and read by Backward.
    private Tensor wIh = null!, wHh = null!;   // [4F, k*k*in], [4F, k*k*filters]
    private Tensor xCols = null!, gates = null!, hs = null!, cs = null!;
    private Tensor dG = null!;   // [time*batch*plane, 4*filters], from Backward
    private Tensor? mask;   // [time*batch*plane], 0 at the positions of padded steps
    private DroppedStates? drop;

    private int roundStep;   // the step whose gates IForkJoinBody.Run works on

    public ConvLstmPass(ConvLstm2DCell cell, SequencePlan plan, CpuBackend cpu)
    {
        (this.cell, this.plan, this.cpu) = (cell, plan, cpu);
        (batch, time, filters, inChannels) = (plan.Batch, plan.Time, cell.Filters, cell.InChannels);
        plane = cell.Height * cell.Width;
        rows = batch * plane;
        g4 = 4 * filters;
        hColumns = new NhwcColumns(cell.Height, cell.Width, filters, cell.Kernel, cpu.Threads);
        xColumns = new NhwcColumns(cell.Height, cell.Width, inChannels, cell.Kernel, cpu.Threads);
        parts = Math.Clamp(rows / 64, 1, cpu.Threads);
        layouts = new SequenceLayouts(this);
    }

    /// <summary>The pass's scratch, pooled until the backward pass ends (or the call, without one).</summary>
    public Workspace Workspace { get; } = new();

    /// <summary>Runs every step: fills gates (activated), hs and cs for the backward pass.</summary>
    public void Forward(Tensor x, Tensor h0, Tensor c0, Tensor? recurrentKeep)
    {
        var ws = Workspace;
        wIh = Weight(cell.WeightIh.Value, inChannels);
        wHh = Weight(cell.WeightHh.Value, filters);
        mask = plan.AllValid ? null : PositionMask();
        ProjectInputs(x);
        hs = ws.Take(cpu, (time + 1) * rows, filters);   // slot t = the state before step t
        cs = ws.Take(cpu, (time + 1) * rows, filters);
        ToChannelsLast(h0, hs, filters);
        ToChannelsLast(c0, cs, filters);
        if (recurrentKeep is not null)
        {
            var keep = ws.Take(cpu, rows, filters);   // [batch*plane, filters]
            ToChannelsLast(recurrentKeep, keep, filters);
            drop = new DroppedStates(keep, hs, time);
        }

        var rec = drop?.Buffer ?? hs;   // what W_hh convolves: h_{t-1}, or it dropped out
        int kc = hColumns.Columns;
        var cols = ws.Take(cpu, rows, kc);   // [batch*plane, k*k*filters]
        using var uT = new RecurrentWeight(wHh, transB: true, n: g4, k: kc, offset: 0, ld: kc);
        for (int t = 0; t < time; t++)
        {
            drop?.Drop(t);
            hColumns.Gather(CpuBackend.Raw(rec), rec.Offset + t * rows * filters, batch,
                CpuBackend.Raw(cols), cols.Offset);
            uT.Multiply(rows, cols, 0, kc, 1f, gates, t * rows * g4, g4);
            roundStep = t;
            ForkJoin.Run(this, parts, cpu.Threads);
        }
    }

    /// <summary>The layer's results from the state slots, channels-first: output, h_T, c_T.</summary>
    public (Tensor Output, Tensor HT, Tensor CT) Results(bool returnSequences)
    {
        // Padded steps carry the state, so the last slot holds each sample's last valid step.
        var hT = cpu.Allocate(new[] { batch, filters, cell.Height, cell.Width });
        var cT = cpu.Allocate(new[] { batch, filters, cell.Height, cell.Width });
        ToChannelsFirst(hs, time * rows, hT, accumulate: false);
        ToChannelsFirst(cs, time * rows, cT, accumulate: false);
        if (!returnSequences)
        {
            var last = hT.Clone();   // [batch, filters, height, width]
            foreach (int b in plan.EmptySamples)
            {
                CpuBackend.S(last, b * filters * plane, filters * plane).Clear();
            }

            return (last, hT, cT);
        }

        var y = cpu.Allocate(new[] { batch, time, filters, cell.Height, cell.Width });
        layouts.Run(LayoutChange.Outputs, hs, y);
        return (y, hT, cT);
    }

    /// <summary>BPTT through every step, then the gradients of the weights, bias, input and initial states.</summary>
    public void Backward(Tensor x, Tensor output, Tensor hT, Tensor cT, Tensor h0, Tensor c0, bool returnSequences)
    {
        if (output.Grad is null && hT.Grad is null && cT.Grad is null)
        {
            Workspace.Release();
            return;
        }

        var ws = Workspace;
        var dh = Zeros(rows, filters);   // dL/dh_t flowing back in time, channels-last
        var dc = Zeros(rows, filters);   // dL/dc_t, updated in place by the gate kernel
        var dhPrev = ws.Take(cpu, rows, filters);
        dG = ws.Take(cpu, time * rows, g4);   // [time*batch*plane, 4*filters]
        if (hT.Grad is { } dhT)
        {
            ToChannelsLast(dhT, dh, filters, accumulate: true);
        }

        if (cT.Grad is { } dcT)
        {
            ToChannelsLast(dcT, dc, filters, accumulate: true);
        }

        var dSeq = OutputGrad(output.Grad, returnSequences, dh);

        var uHh = cell.WeightHh.Value;
        int kc = hColumns.Columns;
        var dWhh = uHh.RequiresGrad ? Zeros(kc, g4) : null;   // W_hh'^T [k*k*filters, 4F]
        var dcol = ws.Take(cpu, rows, kc);   // [batch*plane, k*k*filters]
        var cols = ws.Take(cpu, rows, kc);
        var rec = drop?.Buffer ?? hs;
        using var uN = new RecurrentWeight(wHh, transB: false, n: kc, k: g4, offset: 0, ld: kc);
        for (int t = time - 1; t >= 0; t--)
        {
            int prev = t * rows * filters;
            if (dSeq is not null)
            {
                cpu.CopyBlocks(dSeq, prev, 0, dh, 0, 0, rows * filters, 1, accumulate: true);
            }

            // dG_t, dc_{t-1}, and dhPrev = dh at padded positions, else 0 (split over the threads inside).
            int g = t * rows * g4;
            cpu.LstmGatesBackward(rows, filters, gates, g, cs, prev, cs, prev + rows * filters, dh, 0, dc, 0,
                dG, g, dhPrev, 0, mask, t * rows);
            uN.Multiply(rows, dG, t * rows * g4, g4, 0f, dcol, 0, kc);
            var into = drop?.Gradient ?? dhPrev;
            if (drop is not null)
            {
                cpu.Fill(drop.Gradient, 0f);
            }

            hColumns.ScatterAdd(CpuBackend.Raw(dcol), dcol.Offset, batch, CpuBackend.Raw(into), into.Offset);
            drop?.AddGradient(dhPrev);
            if (dWhh is not null)
            {
                // dW_hh'^T += columns(h_{t-1})^T dG_t, the columns rebuilt rather than kept from the forward
                // pass; transposed, as the 576x256 product ran 14% faster than 256x576 (depth 2048).
                hColumns.Gather(CpuBackend.Raw(rec), rec.Offset + prev, batch, CpuBackend.Raw(cols), cols.Offset);
                cpu.Gemm(true, false, kc, g4, rows, 1f, cols, 0, kc, dG, t * rows * g4, g4, 1f, dWhh, 0, g4);
            }

            (dh, dhPrev) = (dhPrev, dh);
        }

        if (h0.RequiresGrad)
        {
            ToChannelsFirst(dh, 0, h0.EnsureGrad(), accumulate: true);
        }

        if (c0.RequiresGrad)
        {
            ToChannelsFirst(dc, 0, c0.EnsureGrad(), accumulate: true);
        }

        if (dWhh is not null)
        {
            AddWeightGrad(dWhh, uHh, filters);
        }

        InputGrads(x);
        ws.Release();
    }

    // A share of step roundStep's rows through the forward gate kernel (which runs on one thread).
    void IForkJoinBody.Run(int task)
    {
        int r0 = (int)((long)task * rows / parts);
        int n = (int)((long)(task + 1) * rows / parts) - r0;
        int prev = (roundStep * rows + r0) * filters;
        int next = prev + rows * filters;
        int g = (roundStep * rows + r0) * g4;
        cpu.LstmGatesForward(n, filters, gates, g, cs, prev, hs, prev, cs, next, hs, next, mask, roundStep * rows + r0);
    }

    // gates [time*batch*plane, 4F] = columns(x) W_ih'^T + bias, every step in one GEMM.
    private void ProjectInputs(Tensor x)
    {
        var ws = Workspace;
        var xs = ws.Take(cpu, time * rows, inChannels);   // [time*batch*plane, in]
        layouts.Run(LayoutChange.Inputs, x, xs);
        int kx = xColumns.Columns;
        xCols = ws.Take(cpu, time * rows, kx);   // [time*batch*plane, k*k*in]
        xColumns.Gather(CpuBackend.Raw(xs), xs.Offset, time * batch, CpuBackend.Raw(xCols), xCols.Offset);
        gates = ws.Take(cpu, time * rows, g4);
        cpu.GemmBias(false, true, time * rows, g4, kx, 1f, xCols, 0, kx, wIh, 0, kx, cell.Bias.Value, 0,
            0f, gates, 0, g4);
    }

    // dW_ih, dbias and dx from dG of every step: GEMMs over all positions of all steps.
    private void InputGrads(Tensor x)
    {
        var w = cell.WeightIh.Value;
        int kx = xColumns.Columns;
        int all = time * rows;
        if (w.RequiresGrad)
        {
            var dW = Workspace.Take(cpu, kx, g4);   // W_ih'^T [k*k*in, 4F]
            cpu.Gemm(true, false, kx, g4, all, 1f, xCols, 0, kx, dG, 0, g4, 0f, dW, 0, g4);
            AddWeightGrad(dW, w, inChannels);
        }

        if (cell.Bias.Value.RequiresGrad)
        {
            cpu.ReduceSumTo(dG, cell.Bias.Value.EnsureGrad(), accumulate: true);
        }

        if (!x.RequiresGrad)
        {
            return;
        }

        // dcolumns(x) = dG W_ih', written over the columns (no longer needed), then folded back.
        cpu.Gemm(false, false, all, kx, g4, 1f, dG, 0, g4, wIh, 0, kx, 0f, xCols, 0, kx);
        var dxs = Zeros(all, inChannels);   // [time*batch*plane, in]
        xColumns.ScatterAdd(CpuBackend.Raw(xCols), xCols.Offset, time * batch, CpuBackend.Raw(dxs), dxs.Offset);
        layouts.Run(LayoutChange.InputGrads, dxs, x.EnsureGrad());
    }

    // dL/dh of every step, channels-last [time*batch*plane, filters] (zero at padding), for a
    // returned sequence; for a last output, its gradient added into dh instead (null returned).
    private Tensor? OutputGrad(Tensor? dy, bool returnSequences, Tensor dh)
    {
        if (dy is null)
        {
            return null;
        }

        int block = filters * plane;
        float[] dv = CpuBackend.Raw(dy);
        if (!returnSequences)
        {
            float[] hv = CpuBackend.Raw(dh);
            for (int b = 0; b < batch; b++)
            {
                if (Array.IndexOf(plan.EmptySamples, b) < 0)
                {
                    Transpose.Block(dv, dy.Offset + b * block, filters, plane, hv, dh.Offset + b * block,
                        accumulate: true);
                }
            }

            return null;
        }

        var dSeq = Workspace.Take(cpu, time * rows, filters);
        layouts.Run(LayoutChange.OutputGrads, dy, dSeq);
        return dSeq;
    }

    // W [4F, C, k, k] as W' [4F, k*k*C]: each output channel's [C, k*k] block transposed.
    private Tensor Weight(Tensor w, int channels)
    {
        int k2 = cell.Kernel * cell.Kernel;
        var wp = Workspace.Take(cpu, g4, k2 * channels);
        float[] src = CpuBackend.Raw(w), dst = CpuBackend.Raw(wp);
        for (int o = 0; o < g4; o++)
        {
            Transpose.Block(src, w.Offset + o * channels * k2, channels, k2, dst, wp.Offset + o * k2 * channels,
                accumulate: false);
        }

        return wp;
    }

    // W.Grad [4F, C, k, k] += the transposed gradient W'^T [k*k*C, 4F] back in the weight's own layout.
    private void AddWeightGrad(Tensor dWt, Tensor w, int channels)
    {
        int k2 = cell.Kernel * cell.Kernel;
        var grad = CpuBackend.S(w.EnsureGrad());
        var src = CpuBackend.S(dWt);
        for (int s = 0; s < k2; s++)
        {
            for (int c = 0; c < channels; c++)
            {
                var row = src.Slice((s * channels + c) * g4, g4);   // one (kernel offset, channel): every output
                for (int o = 0; o < g4; o++)
                {
                    grad[(o * channels + c) * k2 + s] += row[o];
                }
            }
        }
    }

    // One 0/1 per row: the validity of the row's (step, sample), repeated over its positions.
    private Tensor PositionMask()
    {
        var m = Workspace.Take(cpu, time * rows);   // [time*batch*plane]
        var span = CpuBackend.S(m);
        for (int s = 0; s < time * batch; s++)
        {
            span.Slice(s * plane, plane).Fill(plan.Valid[s] ? 1f : 0f);
        }

        return m;
    }

    // dst's first batch*plane rows (channels-last) (+)= the channels-first maps [batch, channels, h, w] of src.
    private void ToChannelsLast(Tensor src, Tensor dst, int channels, bool accumulate = false)
    {
        float[] sv = CpuBackend.Raw(src), dv = CpuBackend.Raw(dst);
        for (int b = 0; b < batch; b++)
        {
            Transpose.Block(sv, src.Offset + b * channels * plane, channels, plane,
                dv, dst.Offset + b * plane * channels, accumulate);
        }
    }

    // into [batch, filters] maps (+)= the channels-last rows [fromRow.., +batch*plane) of src.
    private void ToChannelsFirst(Tensor src, int fromRow, Tensor into, bool accumulate)
    {
        float[] sv = CpuBackend.Raw(src), dv = CpuBackend.Raw(into);
        for (int b = 0; b < batch; b++)
        {
            Transpose.Block(sv, src.Offset + (fromRow + b * plane) * filters, plane, filters,
                dv, into.Offset + b * filters * plane, accumulate);
        }
    }

    private Tensor Zeros(params int[] shape)
    {
        var t = Workspace.Take(cpu, shape);
        CpuBackend.S(t).Clear();
        return t;
    }

    private enum LayoutChange
    {
        Inputs,        // x [batch, time, in, h, w] (rows by the plan) -> channels-last rows; padded steps zero
        Outputs,       // hs slots 1..time -> y [batch, time, filters, h, w]; padded steps zero
        OutputGrads,   // dy [batch, time, filters, h, w] -> channels-last rows; padded steps zero
        InputGrads,    // channels-last dx rows -> x.Grad (added, rows by the plan)
    }

    // The whole-sequence layout changes between the caller's channels-first maps and the pass's
    // channels-last rows: one [channels, plane] <-> [plane, channels] transpose per (step, sample),
    // a share of them per task. No two (step, sample) pairs share a source or destination block
    // (the plan's sources are a permutation), so the shares never write the same memory.
    private sealed class SequenceLayouts(ConvLstmPass pass) : IForkJoinBody
    {
        private readonly int blocks = pass.time * pass.batch;   // (step, sample) pairs
        private readonly int tasks = Math.Min(pass.time * pass.batch, 2 * pass.cpu.Threads);
        private LayoutChange change;
        private Tensor from = null!, to = null!;

        public void Run(LayoutChange kind, Tensor source, Tensor destination)
        {
            (change, from, to) = (kind, source, destination);
            ForkJoin.Run(this, tasks, pass.cpu.Threads);
            (from, to) = (null!, null!);
        }

        void IForkJoinBody.Run(int task)
        {
            var p = pass;
            float[] src = CpuBackend.Raw(from), dst = CpuBackend.Raw(to);
            for (int s = blocks * task / tasks; s < blocks * (task + 1) / tasks; s++)
            {
                int t = s / p.batch, b = s % p.batch;
                bool valid = p.plan.Valid[s];
                int mapF = p.filters * p.plane, mapX = p.inChannels * p.plane;
                switch (change)
                {
                    case LayoutChange.Inputs:
                        Block(valid, src, from.Offset + p.plan.Source[s] * mapX, p.inChannels, p.plane,
                            dst, to.Offset + s * mapX);
                        break;
                    case LayoutChange.Outputs:
                        Block(valid, src, from.Offset + (p.batch + s) * mapF, p.plane, p.filters,
                            dst, to.Offset + (b * p.time + t) * mapF);
                        break;
                    case LayoutChange.OutputGrads:
                        Block(valid, src, from.Offset + (b * p.time + t) * mapF, p.filters, p.plane,
                            dst, to.Offset + s * mapF);
                        break;
                    default:
                        Transpose.Block(src, from.Offset + s * mapX, p.plane, p.inChannels,
                            dst, to.Offset + p.plan.Source[s] * mapX, accumulate: true);
                        break;
                }
            }
        }

        // A valid block is transposed ([rows, cols] -> [cols, rows]); a padded one is zeros.
        private static void Block(
            bool valid, float[] src, int srcOffset, int rows, int cols, float[] dst, int dstOffset)
        {
            if (valid)
            {
                Transpose.Block(src, srcOffset, rows, cols, dst, dstOffset, accumulate: false);
            }
            else
            {
                dst.AsSpan(dstOffset, rows * cols).Clear();
            }
        }
    }
}
