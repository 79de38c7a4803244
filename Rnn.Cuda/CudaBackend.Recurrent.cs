using Rnn.Core;
using Rnn.Cuda.Kernels;

namespace Rnn.Cuda;

// Fused LSTM/GRU gate kernels: one launch per call, batch * hidden threads.
public sealed partial class CudaBackend
{
    private RecurrentArgs Rec(int batch, int hidden, Tensor? mask, int maskOffset, bool flag = false)
    {
        if (batch < 0 || hidden < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(batch), $"batch {batch} and hidden {hidden} must not be negative");
        }

        if (mask is not null && (maskOffset < 0 || maskOffset + batch > mask.Length))
        {
            throw new ArgumentException($"mask {mask.Describe()} has no {batch} rows at offset {maskOffset}");
        }

        return new RecurrentArgs
        {
            Hidden = hidden, Flag = flag ? 1 : 0,
            HasMask = mask is null ? 0 : 1, Mask = mask is null ? 0 : mask.Offset + maskOffset,
        };
    }

    // Whole-storage view and absolute offset of a [batch, width] block, checked to lie inside t.
    private int At(Tensor t, int offset, int rows, int width, string name)
    {
        long end = offset + (long)rows * width;
        if (offset < 0 || end > t.Length)
        {
            throw new ArgumentException(
                $"{name} block [{rows}, {width}] at offset {offset} does not fit in " +
                $"{t.Describe()} of {t.Length} elements");
        }

        return t.Offset + offset;
    }

    private ILGPU.ArrayView<float> MaskView(Tensor? mask, Tensor fallback) => Whole(mask ?? fallback);

    public void LstmGatesForward(
        int batch, int hidden,
        Tensor gates, int gatesOffset,
        Tensor cPrev, int cPrevOffset, Tensor hPrev, int hPrevOffset,
        Tensor c, int cOffset, Tensor h, int hOffset,
        Tensor? mask = null, int maskOffset = 0)
    {
        var p = Rec(batch, hidden, mask, maskOffset);
        p.O0 = At(gates, gatesOffset, batch, 4 * hidden, nameof(gates));
        p.O1 = At(cPrev, cPrevOffset, batch, hidden, nameof(cPrev));
        p.O2 = At(hPrev, hPrevOffset, batch, hidden, nameof(hPrev));
        p.O3 = At(c, cOffset, batch, hidden, nameof(c));
        p.O4 = At(h, hOffset, batch, hidden, nameof(h));
        if (batch * hidden > 0)
        {
            kernels.LstmForward(Stream, batch * hidden,
                Whole(gates), Whole(cPrev), Whole(hPrev), Whole(c), Whole(h), MaskView(mask, gates), p);
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
        var p = Rec(batch, hidden, mask, maskOffset);
        p.O0 = At(gates, gatesOffset, batch, 4 * hidden, nameof(gates));
        p.O1 = At(cPrev, cPrevOffset, batch, hidden, nameof(cPrev));
        p.O2 = At(c, cOffset, batch, hidden, nameof(c));
        p.O3 = At(dh, dhOffset, batch, hidden, nameof(dh));
        p.O4 = At(dc, dcOffset, batch, hidden, nameof(dc));
        p.O5 = At(dGates, dGatesOffset, batch, 4 * hidden, nameof(dGates));
        p.O6 = At(dhPrev, dhPrevOffset, batch, hidden, nameof(dhPrev));
        if (batch * hidden > 0)
        {
            kernels.LstmBackward(Stream, batch * hidden, Whole(gates), Whole(cPrev), Whole(c), Whole(dh),
                Whole(dc), Whole(dGates), Whole(dhPrev), MaskView(mask, gates), p);
        }
    }

    public void GruGatesForward(
        bool resetAfter, int batch, int hidden,
        Tensor gi, int giOffset, Tensor gh, int ghOffset,
        Tensor hPrev, int hPrevOffset, Tensor h, int hOffset,
        Tensor? mask = null, int maskOffset = 0)
    {
        var p = Rec(batch, hidden, mask, maskOffset, resetAfter);
        p.O0 = At(gi, giOffset, batch, 3 * hidden, nameof(gi));
        p.O1 = At(gh, ghOffset, batch, 3 * hidden, nameof(gh));
        p.O2 = At(hPrev, hPrevOffset, batch, hidden, nameof(hPrev));
        p.O3 = At(h, hOffset, batch, hidden, nameof(h));
        if (batch * hidden > 0)
        {
            kernels.GruForward(Stream, batch * hidden,
                Whole(gi), Whole(gh), Whole(hPrev), Whole(h), MaskView(mask, gi), p);
        }
    }

    public void GruResetForward(
        int batch, int hidden,
        Tensor gi, int giOffset, Tensor gh, int ghOffset,
        Tensor hPrev, int hPrevOffset, Tensor rh, int rhOffset,
        Tensor? mask = null, int maskOffset = 0)
    {
        var p = Rec(batch, hidden, mask, maskOffset);
        p.O0 = At(gi, giOffset, batch, 3 * hidden, nameof(gi));
        p.O1 = At(gh, ghOffset, batch, 3 * hidden, nameof(gh));
        p.O2 = At(hPrev, hPrevOffset, batch, hidden, nameof(hPrev));
        p.O3 = At(rh, rhOffset, batch, hidden, nameof(rh));
        if (batch * hidden > 0)
        {
            kernels.GruResetForward(Stream, batch * hidden,
                Whole(gi), Whole(gh), Whole(hPrev), Whole(rh), MaskView(mask, gi), p);
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
        var p = Rec(batch, hidden, mask, maskOffset, resetAfter);
        p.O0 = At(gi, giOffset, batch, 3 * hidden, nameof(gi));
        p.O1 = At(gh, ghOffset, batch, 3 * hidden, nameof(gh));
        p.O2 = At(hPrev, hPrevOffset, batch, hidden, nameof(hPrev));
        p.O3 = At(dh, dhOffset, batch, hidden, nameof(dh));
        p.O4 = At(dGi, dGiOffset, batch, 3 * hidden, nameof(dGi));
        p.O5 = At(dGh, dGhOffset, batch, 3 * hidden, nameof(dGh));
        p.O6 = At(dhPrev, dhPrevOffset, batch, hidden, nameof(dhPrev));
        if (batch * hidden > 0)
        {
            kernels.GruBackward(Stream, batch * hidden, Whole(gi), Whole(gh), Whole(hPrev), Whole(dh),
                Whole(dGi), Whole(dGh), Whole(dhPrev), MaskView(mask, gi), p);
        }
    }

    public void GruResetBackward(
        int batch, int hidden,
        Tensor gi, int giOffset, Tensor hPrev, int hPrevOffset, Tensor dRh, int dRhOffset,
        Tensor dGi, int dGiOffset, Tensor dGh, int dGhOffset, Tensor dhPrev, int dhPrevOffset,
        Tensor? mask = null, int maskOffset = 0)
    {
        var p = Rec(batch, hidden, mask, maskOffset);
        p.O0 = At(gi, giOffset, batch, 3 * hidden, nameof(gi));
        p.O1 = At(hPrev, hPrevOffset, batch, hidden, nameof(hPrev));
        p.O2 = At(dRh, dRhOffset, batch, hidden, nameof(dRh));
        p.O3 = At(dGi, dGiOffset, batch, 3 * hidden, nameof(dGi));
        p.O4 = At(dGh, dGhOffset, batch, 3 * hidden, nameof(dGh));
        p.O5 = At(dhPrev, dhPrevOffset, batch, hidden, nameof(dhPrev));
        if (batch * hidden > 0)
        {
            kernels.GruResetBackward(Stream, batch * hidden, Whole(gi), Whole(hPrev), Whole(dRh),
                Whole(dGi), Whole(dGh), Whole(dhPrev), MaskView(mask, gi), p);
        }
    }
}
