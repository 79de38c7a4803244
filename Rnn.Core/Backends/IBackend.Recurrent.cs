namespace Rnn.Core;

// Fused LSTM/GRU gate kernels: everything element-wise that happens in one time step between the
// GEMMs, forward and backward, so a sequence costs one GEMM and one kernel call per step (the
// cuDNN strategy). Every tensor argument is a [batch, k*hidden] row-major block that starts at
// its offset, so one call works on step t of a whole-sequence buffer. A mask (nullable) holds one
// 0/1 float per batch row starting at maskOffset; rows with 0 are padding: they carry the
// previous state forward and receive no gate gradient.
public partial interface IBackend
{
    /// <summary>
    /// LSTM step, gate order i, f, g, o. gates [batch, 4*hidden] holds the pre-activations
    /// x W_ih^T + h W_hh^T + b on entry and the activated gates on exit (kept for the backward
    /// pass); c = f*cPrev + i*g, h = o*tanh(c). Padded rows copy cPrev and hPrev instead and
    /// their gates are zeroed.
    /// </summary>
    void LstmGatesForward(
        int batch, int hidden,
        Tensor gates, int gatesOffset,
        Tensor cPrev, int cPrevOffset, Tensor hPrev, int hPrevOffset,
        Tensor c, int cOffset, Tensor h, int hOffset,
        Tensor? mask = null, int maskOffset = 0);

    /// <summary>
    /// Backward of <see cref="LstmGatesForward"/>. gates holds the activated gates, c the new cell
    /// state. dh is dL/dh_t; dc holds dL/dc_t from later steps on entry and dL/dc_{t-1} on exit.
    /// dGates [batch, 4*hidden] receives the pre-activation gradients and dhPrev the part of
    /// dL/dh_{t-1} that does not pass through W_hh (zero, or dh for padded rows); the caller adds
    /// dGates W_hh.
    /// </summary>
    void LstmGatesBackward(
        int batch, int hidden,
        Tensor gates, int gatesOffset,
        Tensor cPrev, int cPrevOffset, Tensor c, int cOffset,
        Tensor dh, int dhOffset, Tensor dc, int dcOffset,
        Tensor dGates, int dGatesOffset, Tensor dhPrev, int dhPrevOffset,
        Tensor? mask = null, int maskOffset = 0);

    /// <summary>
    /// GRU step, gate order z, r, n; h = z*hPrev + (1-z)*n. gi [batch, 3*hidden] holds the input
    /// part x W_ih^T + b_ih on entry and the activated z, r, n on exit; gh holds the recurrent part
    /// h W_hh^T + b_hh and is left unchanged. resetAfter: n = tanh(gi_n + r*gh_n). Reset-before:
    /// z and r in gi must already be activated by <see cref="GruResetForward"/> and gh's n block
    /// must hold (r*hPrev) W_hn^T + b_hn; n = tanh(gi_n + gh_n). Padded rows copy hPrev and their
    /// gi row is zeroed.
    /// </summary>
    void GruGatesForward(
        bool resetAfter, int batch, int hidden,
        Tensor gi, int giOffset, Tensor gh, int ghOffset,
        Tensor hPrev, int hPrevOffset, Tensor h, int hOffset,
        Tensor? mask = null, int maskOffset = 0);

    /// <summary>
    /// First half of a reset-before GRU step: z = sig(gi_z + gh_z) and r = sig(gi_r + gh_r) are
    /// written over gi's z and r blocks, and rh [batch, hidden] = r * hPrev (the input of the
    /// n-block recurrent GEMM). gh's n block is not read.
    /// </summary>
    void GruResetForward(
        int batch, int hidden,
        Tensor gi, int giOffset, Tensor gh, int ghOffset,
        Tensor hPrev, int hPrevOffset, Tensor rh, int rhOffset,
        Tensor? mask = null, int maskOffset = 0);

    /// <summary>
    /// Backward of <see cref="GruGatesForward"/>. gi holds the activated z, r, n. Writes
    /// dGi [batch, 3*hidden] (gradients of the input pre-activations) and dGh (of the recurrent
    /// pre-activations h W_hh^T + b_hh), and dhPrev = z*dh (dh for padded rows), the part that
    /// does not pass through W_hh. Reset-before: the r blocks of dGi and dGh are set to zero and
    /// filled by <see cref="GruResetBackward"/> once the caller has d(r*h) = dGh_n W_hn.
    /// </summary>
    void GruGatesBackward(
        bool resetAfter, int batch, int hidden,
        Tensor gi, int giOffset, Tensor gh, int ghOffset,
        Tensor hPrev, int hPrevOffset, Tensor dh, int dhOffset,
        Tensor dGi, int dGiOffset, Tensor dGh, int dGhOffset,
        Tensor dhPrev, int dhPrevOffset,
        Tensor? mask = null, int maskOffset = 0);

    /// <summary>
    /// Backward of <see cref="GruResetForward"/> given dRh = dL/d(r*hPrev) [batch, hidden]:
    /// dGi_r = dGh_r = dRh*hPrev*r*(1-r), and dhPrev += dRh*r. Padded rows are left alone.
    /// </summary>
    void GruResetBackward(
        int batch, int hidden,
        Tensor gi, int giOffset, Tensor hPrev, int hPrevOffset, Tensor dRh, int dRhOffset,
        Tensor dGi, int dGiOffset, Tensor dGh, int dGhOffset, Tensor dhPrev, int dhPrevOffset,
        Tensor? mask = null, int maskOffset = 0);
}
