using Rnn.Core.Cpu;

namespace Rnn.Core.Recurrent;

/// <summary>
/// A weight block that multiplies every step of one pass over a sequence (W_hh in the forward
/// loop, W_hh again in backpropagation through time). On the CPU backend it is packed into
/// GEMM panels once, instead of once per step; on any other backend it is a plain
/// <see cref="IBackend.Gemm"/>. Dispose it when the pass ends; the weight must not change before.
/// </summary>
internal sealed class RecurrentWeight : IDisposable
{
    private readonly IBackend backend;
    private readonly Tensor weight;
    private readonly bool transB;
    private readonly int n, k, offset, ld;
    private readonly PackedB? packed;

    /// <param name="weight">The tensor holding the block.</param>
    /// <param name="transB">True when the products use the block transposed (x W^T).</param>
    /// <param name="n">Columns of op(W): the width of each product.</param>
    /// <param name="k">Rows of op(W): the depth of each product.</param>
    /// <param name="offset">Where the block starts in the weight.</param>
    /// <param name="ld">The block's leading dimension.</param>
    public RecurrentWeight(Tensor weight, bool transB, int n, int k, int offset, int ld)
    {
        backend = weight.Backend;
        this.weight = weight;
        this.transB = transB;
        (this.n, this.k, this.offset, this.ld) = (n, k, offset, ld);
        packed = (backend as CpuBackend)?.PackGemmB(transB, n, k, weight, offset, ld);
    }

    /// <summary>C [m, n] = A [m, k] op(W) + beta * C.</summary>
    public void Multiply(int m, Tensor a, int aOffset, int lda, float beta, Tensor c, int cOffset, int ldc)
    {
        if (packed is not null)
        {
            ((CpuBackend)backend).GemmPacked(false, m, 1f, a, aOffset, lda, packed, beta, c, cOffset, ldc);
        }
        else
        {
            backend.Gemm(false, transB, m, n, k, 1f, a, aOffset, lda, weight, offset, ld, beta, c, cOffset, ldc);
        }
    }

    /// <summary>
    /// The CPU backend and the packed W_hh^T when a whole step (GEMM and gate kernel) can run as
    /// one fused parallel region for these sizes (see CpuBackend.CanFuseStep); else null.
    /// </summary>
    public (CpuBackend Cpu, PackedB Packed)? FusedStep(int batch, int hidden, int gateCount) =>
        packed is not null && backend is CpuBackend cpu && cpu.CanFuseStep(packed, batch, hidden, gateCount)
            ? (cpu, packed)
            : null;

    /// <summary>The block packed for the CPU backend's GEMM; null on other backends.</summary>
    public PackedB? Packed => packed;

    public void Dispose() => packed?.Dispose();
}
