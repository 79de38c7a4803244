using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Rnn.Core;

// Fused LSTM/GRU gate kernels on the CPU. Each works row by row (one batch sample) and composes
// TensorPrimitives calls over the hidden-sized gate blocks, so every pass is vectorized and no
// element is touched by scalar code. Scratch comes from the shared array pool, once per call.
public sealed partial class CpuBackend
{
    private static Span<float> Row(Tensor t, int offset, int row, int width) =>
        Raw(t).AsSpan(t.Offset + offset + row * width, width);

    private static bool IsPadding(Tensor? mask, int maskOffset, int row) =>
        mask is not null && Raw(mask)[mask.Offset + maskOffset + row] == 0f;

    // s * (1 - s) = s - s*s, written into dst (the derivative of a sigmoid from its output).
    private static void SigmoidSlope(ReadOnlySpan<float> s, Span<float> dst)
    {
        TensorPrimitives.Multiply(s, s, dst);
        TensorPrimitives.Subtract(s, dst, dst);
    }

    // 1 - t*t into dst (the derivative of tanh from its output).
    private static void TanhSlope(ReadOnlySpan<float> t, Span<float> dst)
    {
        TensorPrimitives.Multiply(t, t, dst);
        TensorPrimitives.Subtract(1f, dst, dst);
    }

    public void LstmGatesForward(
        int batch, int hidden,
        Tensor gates, int gatesOffset,
        Tensor cPrev, int cPrevOffset, Tensor hPrev, int hPrevOffset,
        Tensor c, int cOffset, Tensor h, int hOffset,
        Tensor? mask = null, int maskOffset = 0) =>
        LstmGatesForwardUnits(Simd, 0, hidden, batch, hidden, gates, gatesOffset,
            cPrev, cPrevOffset, hPrev, hPrevOffset, c, cOffset, h, hOffset, mask, maskOffset);

    // LstmGatesForward for hidden units [u0, u1) of every row (all of them, or one task's share
    // of a fused step): the four gate blocks are independent per unit. SIMD paths run the
    // single-pass vector kernel (in 512-bit vectors on the AVX-512 one); the scalar path runs
    // TensorPrimitives, pass by pass.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LstmGatesForwardUnits(
        CpuSimd simd, int u0, int u1, int batch, int hidden,
        Tensor gates, int gatesOffset,
        Tensor cPrev, int cPrevOffset, Tensor hPrev, int hPrevOffset,
        Tensor c, int cOffset, Tensor h, int hOffset,
        Tensor? mask, int maskOffset) =>
        LstmGatesFromScratch(simd, u0, u1, batch, hidden, Raw(gates), gates.Offset + gatesOffset, null, 0,
            cPrev, cPrevOffset, hPrev, hPrevOffset, c, cOffset, h, hOffset, mask, maskOffset, default);

    // The gate math of one row's units: activations in place, then c and h.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LstmGateMath(CpuSimd simd, Span<float> i, Span<float> f, Span<float> gc, Span<float> o,
        ReadOnlySpan<float> cp, Span<float> cn, Span<float> hn)
    {
        if (simd != CpuSimd.Scalar)
        {
            Cpu.LstmGateRow.Forward(i, f, gc, o, cp, cn, hn, wide: simd == CpuSimd.Avx512);
            return;
        }

        TensorPrimitives.Sigmoid(i, i);
        TensorPrimitives.Sigmoid(f, f);
        TensorPrimitives.Tanh(gc, gc);
        TensorPrimitives.Sigmoid(o, o);
        TensorPrimitives.Multiply(f, cp, cn);
        TensorPrimitives.MultiplyAdd(i, gc, cn, cn);
        TensorPrimitives.Tanh(cn, hn);
        TensorPrimitives.Multiply(hn, o, hn);
    }

    /// <summary>Where rows of h also go: row b at Offset + b * Stride of Tensor (null: nowhere).</summary>
    private readonly record struct OutputRows(Tensor? Tensor, int Offset, int Stride);

    // The gate rows on pre-activations in `pre` ([batch, 4*hidden] from index preOffset, rows
    // preStride apart, 4*hidden when 0: the gates buffer itself, or a fused step's scratch),
    // activated in place there and, with `gates`, also copied to its rows for the backward pass.
    // A padded row carries c and h over and has zero gates. Each h row also goes to `output`
    // (zeros at padding).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LstmGatesFromScratch(
        CpuSimd simd, int u0, int u1, int batch, int hidden, float[] pre, int preOffset,
        Tensor? gates, int gatesOffset,
        Tensor cPrev, int cPrevOffset, Tensor hPrev, int hPrevOffset,
        Tensor c, int cOffset, Tensor h, int hOffset,
        Tensor? mask, int maskOffset, OutputRows output, int preStride = 0)
    {
        int hd = hidden;
        int ps = preStride == 0 ? 4 * hd : preStride;
        int w = u1 - u0;
        for (int b = 0; b < batch; b++)
        {
            var cp = Row(cPrev, cPrevOffset, b, hd).Slice(u0, w);
            var cn = Row(c, cOffset, b, hd).Slice(u0, w);
            var hn = Row(h, hOffset, b, hd).Slice(u0, w);
            var p = pre.AsSpan(preOffset + b * ps, 4 * hd);
            var g = gates is null ? default : Row(gates, gatesOffset, b, 4 * hd);
            var yRow = output.Tensor is { } y
                ? Raw(y).AsSpan(y.Offset + output.Offset + b * output.Stride + u0, w)
                : default;
            if (IsPadding(mask, maskOffset, b))
            {
                cp.CopyTo(cn);
                Row(hPrev, hPrevOffset, b, hd).Slice(u0, w).CopyTo(hn);
                for (int k = 0; k < 4; k++)
                {
                    p.Slice(k * hd + u0, w).Clear();
                    if (!g.IsEmpty)
                    {
                        g.Slice(k * hd + u0, w).Clear();
                    }
                }

                yRow.Clear();
                continue;
            }

            LstmGateMath(simd, p.Slice(u0, w), p.Slice(hd + u0, w), p.Slice(2 * hd + u0, w), p.Slice(3 * hd + u0, w),
                cp, cn, hn);
            for (int k = 0; k < 4 && !g.IsEmpty; k++)
            {
                p.Slice(k * hd + u0, w).CopyTo(g.Slice(k * hd + u0, w));
            }

            if (!yRow.IsEmpty)
            {
                hn.CopyTo(yRow);
            }
        }
    }

    public void LstmGatesBackward(
        int batch, int hidden,
        Tensor gates, int gatesOffset,
        Tensor cPrev, int cPrevOffset, Tensor c, int cOffset,
        Tensor dh, int dhOffset, Tensor dc, int dcOffset,
        Tensor dGates, int dGatesOffset, Tensor dhPrev, int dhPrevOffset,
        Tensor? mask = null, int maskOffset = 0)
    {
        int tasks = RowTasks(batch, hidden);
        if (tasks <= 1)
        {
            LstmGatesBackwardRows(Simd == CpuSimd.Avx512, 0, batch, hidden, gates, gatesOffset, cPrev, cPrevOffset,
                c, cOffset, dh, dhOffset, dc, dcOffset, dGates, dGatesOffset, dhPrev, dhPrevOffset, mask, maskOffset);
            return;
        }

        var t = BackwardTasks.Take();
        (t.Lstm, t.Wide, t.Batch, t.Hidden, t.Tasks) = (true, Simd == CpuSimd.Avx512, batch, hidden, tasks);
        (t.T0, t.O0, t.T1, t.O1, t.T2, t.O2) = (gates, gatesOffset, cPrev, cPrevOffset, c, cOffset);
        (t.T3, t.O3, t.T4, t.O4, t.T5, t.O5) = (dh, dhOffset, dc, dcOffset, dGates, dGatesOffset);
        (t.T6, t.O6, t.Mask, t.MaskOffset) = (dhPrev, dhPrevOffset, mask, maskOffset);
        t.Execute(Threads);
    }

    // Below this many gate elements (batch x hidden) a backward gate pass stays on one thread.
    private const int ParallelGateElements = 8192;

    // Row ranges for a backward gate pass: rows are independent, so they split over the threads
    // (two ranges a thread), when there are enough of them to pay for a fork/join.
    private int RowTasks(int batch, int hidden) =>
        Threads > 1 && batch > 1 && (long)batch * hidden >= ParallelGateElements ? Math.Min(batch, 2 * Threads) : 1;

    // The arguments of one backward gate pass split by rows, reused per thread (no allocation a
    // step). LSTM: T0 gates, T1 cPrev, T2 c, T3 dh, T4 dc, T5 dGates, T6 dhPrev. GRU: T0 gi, T1 gh,
    // T2 hPrev, T3 dh, T4 dGi, T5 dGh, T6 dhPrev.
    private sealed class BackwardTasks : Cpu.IForkJoinBody
    {
        [ThreadStatic]
        private static BackwardTasks? cached;

        public bool Lstm, ResetAfter, Wide;
        public int Batch, Hidden, Tasks, MaskOffset;
        public Tensor? T0, T1, T2, T3, T4, T5, T6, Mask;
        public int O0, O1, O2, O3, O4, O5, O6;

        public static BackwardTasks Take()
        {
            var t = cached ?? new BackwardTasks();
            cached = null;
            return t;
        }

        public void Execute(int threads)
        {
            try
            {
                Cpu.ForkJoin.Run(this, Tasks, threads);
            }
            finally
            {
                (T0, T1, T2, T3, T4, T5, T6, Mask) = (null, null, null, null, null, null, null, null);
                cached = this;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int task)
        {
            int b0 = Batch * task / Tasks, b1 = Batch * (task + 1) / Tasks;
            if (Lstm)
            {
                LstmGatesBackwardRows(Wide, b0, b1, Hidden, T0!, O0, T1!, O1, T2!, O2, T3!, O3, T4!, O4, T5!, O5,
                    T6!, O6, Mask, MaskOffset);
            }
            else
            {
                GruGatesBackwardRows(b0, b1, ResetAfter, Hidden, T0!, O0, T1!, O1, T2!, O2, T3!, O3, T4!, O4,
                    T5!, O5, T6!, O6, Mask, MaskOffset);
            }
        }
    }

    // LstmGatesBackward for rows [b0, b1), in 512-bit vectors when wide.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LstmGatesBackwardRows(
        bool wide, int b0, int b1, int hidden,
        Tensor gates, int gatesOffset,
        Tensor cPrev, int cPrevOffset, Tensor c, int cOffset,
        Tensor dh, int dhOffset, Tensor dc, int dcOffset,
        Tensor dGates, int dGatesOffset, Tensor dhPrev, int dhPrevOffset,
        Tensor? mask, int maskOffset)
    {
        int hd = hidden;
        for (int b = b0; b < b1; b++)
        {
            var dhRow = Row(dh, dhOffset, b, hd);
            var dcRow = Row(dc, dcOffset, b, hd);
            var dg = Row(dGates, dGatesOffset, b, 4 * hd);
            var dhp = Row(dhPrev, dhPrevOffset, b, hd);
            if (IsPadding(mask, maskOffset, b))
            {
                dg.Clear();
                dhRow.CopyTo(dhp);
                continue;   // dc passes through unchanged
            }

            var g = Row(gates, gatesOffset, b, 4 * hd);
            Cpu.LstmGateRow.Backward(g[..hd], g.Slice(hd, hd), g.Slice(2 * hd, hd), g.Slice(3 * hd, hd),
                Row(c, cOffset, b, hd), Row(cPrev, cPrevOffset, b, hd), dhRow, dcRow,
                dg[..hd], dg.Slice(hd, hd), dg.Slice(2 * hd, hd), dg.Slice(3 * hd, hd), wide);
            dhp.Clear();
        }
    }

    public void GruGatesForward(
        bool resetAfter, int batch, int hidden,
        Tensor gi, int giOffset, Tensor gh, int ghOffset,
        Tensor hPrev, int hPrevOffset, Tensor h, int hOffset,
        Tensor? mask = null, int maskOffset = 0) =>
        GruGatesForwardUnits(Simd, 0, hidden, resetAfter, batch, hidden, gi, giOffset, gh, ghOffset,
            hPrev, hPrevOffset, h, hOffset, mask, maskOffset);

    // GruGatesForward for hidden units [u0, u1) of every row: z, r and n are independent per unit.
    // Reset-after on the SIMD paths is one vector pass (GruGateRow); the rest are TensorPrimitives
    // passes.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GruGatesForwardUnits(
        CpuSimd simd, int u0, int u1, bool resetAfter, int batch, int hidden,
        Tensor gi, int giOffset, Tensor gh, int ghOffset,
        Tensor hPrev, int hPrevOffset, Tensor h, int hOffset,
        Tensor? mask, int maskOffset)
    {
        int hd = hidden;
        int w = u1 - u0;
        for (int b = 0; b < batch; b++)
        {
            var hp = Row(hPrev, hPrevOffset, b, hd).Slice(u0, w);
            var hn = Row(h, hOffset, b, hd).Slice(u0, w);
            var x = Row(gi, giOffset, b, 3 * hd);
            var z = x.Slice(u0, w);
            var r = x.Slice(hd + u0, w);
            var n = x.Slice(2 * hd + u0, w);
            if (IsPadding(mask, maskOffset, b))
            {
                hp.CopyTo(hn);
                z.Clear();
                r.Clear();
                n.Clear();
                continue;
            }

            var rec = Row(gh, ghOffset, b, 3 * hd);
            if (resetAfter && simd != CpuSimd.Scalar)
            {
                Cpu.GruGateRow.Forward(z, r, n, rec.Slice(u0, w), rec.Slice(hd + u0, w), rec.Slice(2 * hd + u0, w),
                    hp, hn, wide: simd == CpuSimd.Avx512);
                continue;
            }

            if (resetAfter)
            {
                TensorPrimitives.Add(z, rec.Slice(u0, w), z);
                TensorPrimitives.Add(r, rec.Slice(hd + u0, w), r);
                TensorPrimitives.Sigmoid(z, z);
                TensorPrimitives.Sigmoid(r, r);
                TensorPrimitives.MultiplyAdd(r, rec.Slice(2 * hd + u0, w), n, n);
            }
            else
            {
                TensorPrimitives.Add(n, rec.Slice(2 * hd + u0, w), n);
            }

            TensorPrimitives.Tanh(n, n);

            // h = n + z * (hPrev - n)
            TensorPrimitives.Subtract(hp, n, hn);
            TensorPrimitives.MultiplyAdd(hn, z, n, hn);
        }
    }

    public void GruResetForward(
        int batch, int hidden,
        Tensor gi, int giOffset, Tensor gh, int ghOffset,
        Tensor hPrev, int hPrevOffset, Tensor rh, int rhOffset,
        Tensor? mask = null, int maskOffset = 0)
    {
        int hd = hidden;
        for (int b = 0; b < batch; b++)
        {
            var zr = Row(gi, giOffset, b, 3 * hd)[..(2 * hd)];
            var rhRow = Row(rh, rhOffset, b, hd);
            if (IsPadding(mask, maskOffset, b))
            {
                rhRow.Clear();
                continue;
            }

            TensorPrimitives.Add(zr, Row(gh, ghOffset, b, 3 * hd)[..(2 * hd)], zr);
            TensorPrimitives.Sigmoid(zr, zr);
            TensorPrimitives.Multiply(zr.Slice(hd, hd), Row(hPrev, hPrevOffset, b, hd), rhRow);
        }
    }

    public void GruGatesBackward(
        bool resetAfter, int batch, int hidden,
        Tensor gi, int giOffset, Tensor gh, int ghOffset,
        Tensor hPrev, int hPrevOffset, Tensor dh, int dhOffset,
        Tensor dGi, int dGiOffset, Tensor dGh, int dGhOffset,
        Tensor dhPrev, int dhPrevOffset,
        Tensor? mask = null, int maskOffset = 0)
    {
        int tasks = RowTasks(batch, hidden);
        if (tasks <= 1)
        {
            GruGatesBackwardRows(0, batch, resetAfter, hidden, gi, giOffset, gh, ghOffset, hPrev, hPrevOffset,
                dh, dhOffset, dGi, dGiOffset, dGh, dGhOffset, dhPrev, dhPrevOffset, mask, maskOffset);
            return;
        }

        var t = BackwardTasks.Take();
        (t.Lstm, t.ResetAfter, t.Batch, t.Hidden, t.Tasks) = (false, resetAfter, batch, hidden, tasks);
        (t.T0, t.O0, t.T1, t.O1, t.T2, t.O2) = (gi, giOffset, gh, ghOffset, hPrev, hPrevOffset);
        (t.T3, t.O3, t.T4, t.O4, t.T5, t.O5) = (dh, dhOffset, dGi, dGiOffset, dGh, dGhOffset);
        (t.T6, t.O6, t.Mask, t.MaskOffset) = (dhPrev, dhPrevOffset, mask, maskOffset);
        t.Execute(Threads);
    }

    // GruGatesBackward for rows [b0, b1).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GruGatesBackwardRows(
        int b0, int b1, bool resetAfter, int hidden,
        Tensor gi, int giOffset, Tensor gh, int ghOffset,
        Tensor hPrev, int hPrevOffset, Tensor dh, int dhOffset,
        Tensor dGi, int dGiOffset, Tensor dGh, int dGhOffset,
        Tensor dhPrev, int dhPrevOffset,
        Tensor? mask, int maskOffset)
    {
        int hd = hidden;
        float[] pool = ArrayPool<float>.Shared.Rent(hd);
        var a = pool.AsSpan(0, hd);
        for (int b = b0; b < b1; b++)
        {
            var dhRow = Row(dh, dhOffset, b, hd);
            var dx = Row(dGi, dGiOffset, b, 3 * hd);
            var dr = Row(dGh, dGhOffset, b, 3 * hd);
            var dhp = Row(dhPrev, dhPrevOffset, b, hd);
            if (IsPadding(mask, maskOffset, b))
            {
                dx.Clear();
                dr.Clear();
                dhRow.CopyTo(dhp);
                continue;
            }

            var g = Row(gi, giOffset, b, 3 * hd);
            var z = g[..hd];
            var r = g.Slice(hd, hd);
            var n = g.Slice(2 * hd, hd);
            var dz = dx[..hd];
            var drr = dx.Slice(hd, hd);
            var dn = dx.Slice(2 * hd, hd);

            // h = n + z*(hPrev - n): dz = dh*(hPrev - n), dn = dh*(1 - z), dhPrev = dh*z
            TensorPrimitives.Subtract(Row(hPrev, hPrevOffset, b, hd), n, dz);
            TensorPrimitives.Multiply(dz, dhRow, dz);
            SigmoidSlope(z, a);
            TensorPrimitives.Multiply(dz, a, dz);
            TensorPrimitives.Multiply(dhRow, z, dhp);
            TensorPrimitives.Subtract(dhRow, dhp, dn);
            TanhSlope(n, a);
            TensorPrimitives.Multiply(dn, a, dn);   // dL/d(n pre-activation)
            dz.CopyTo(dr[..hd]);

            if (resetAfter)
            {
                // n_pre = gi_n + r * gh_n
                TensorPrimitives.Multiply(dn, r, dr.Slice(2 * hd, hd));
                TensorPrimitives.Multiply(dn, Row(gh, ghOffset, b, 3 * hd).Slice(2 * hd, hd), drr);
                SigmoidSlope(r, a);
                TensorPrimitives.Multiply(drr, a, drr);
                drr.CopyTo(dr.Slice(hd, hd));
            }
            else
            {
                dn.CopyTo(dr.Slice(2 * hd, hd));
                drr.Clear();
                dr.Slice(hd, hd).Clear();
            }
        }

        ArrayPool<float>.Shared.Return(pool);
    }

    public void GruResetBackward(
        int batch, int hidden,
        Tensor gi, int giOffset, Tensor hPrev, int hPrevOffset, Tensor dRh, int dRhOffset,
        Tensor dGi, int dGiOffset, Tensor dGh, int dGhOffset, Tensor dhPrev, int dhPrevOffset,
        Tensor? mask = null, int maskOffset = 0)
    {
        int hd = hidden;
        float[] pool = ArrayPool<float>.Shared.Rent(hd);
        var a = pool.AsSpan(0, hd);
        for (int b = 0; b < batch; b++)
        {
            if (IsPadding(mask, maskOffset, b))
            {
                continue;
            }

            var r = Row(gi, giOffset, b, 3 * hd).Slice(hd, hd);
            var drh = Row(dRh, dRhOffset, b, hd);
            var drr = Row(dGi, dGiOffset, b, 3 * hd).Slice(hd, hd);
            var dhp = Row(dhPrev, dhPrevOffset, b, hd);
            TensorPrimitives.Multiply(drh, Row(hPrev, hPrevOffset, b, hd), drr);
            SigmoidSlope(r, a);
            TensorPrimitives.Multiply(drr, a, drr);
            drr.CopyTo(Row(dGh, dGhOffset, b, 3 * hd).Slice(hd, hd));
            TensorPrimitives.MultiplyAdd(drh, r, dhp, dhp);
        }

        ArrayPool<float>.Shared.Return(pool);
    }
}
