namespace Rnn.Core;

public partial interface IBackend
{
    /// <summary>
    /// C = alpha * op(A) * op(B) + beta * C on row-major matrices, where op(X) is X or its
    /// transpose; op(A) is [m, k], op(B) is [k, n], C is [m, n]. Each matrix starts at its
    /// offset and has its leading dimension (row stride) given. beta = 0 ignores C's contents.
    /// C must not overlap A or B: the kernels read A and B while they write C, in blocks, so an
    /// overlapping C gives wrong values (it is not checked).
    /// </summary>
    void Gemm(
        bool transA, bool transB, int m, int n, int k, float alpha,
        Tensor a, int aOffset, int lda,
        Tensor b, int bOffset, int ldb,
        float beta, Tensor c, int cOffset, int ldc);

    /// <summary>
    /// batchCount independent GEMMs; matrix i of A starts at aOffset + i*strideA (same for B
    /// and C). A stride of 0 reuses one matrix for the whole batch.
    /// </summary>
    void GemmStridedBatched(
        bool transA, bool transB, int m, int n, int k, float alpha,
        Tensor a, int aOffset, int lda, long strideA,
        Tensor b, int bOffset, int ldb, long strideB,
        float beta, Tensor c, int cOffset, int ldc, long strideC,
        int batchCount);
}
