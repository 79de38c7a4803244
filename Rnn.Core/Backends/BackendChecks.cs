namespace Rnn.Core;

/// <summary>
/// Argument checks shared by every backend. Kernels read and write through unchecked refs or
/// device pointers, so a bad size, offset or leading dimension must be an exception before the
/// call, never memory corruption or a wrong read.
/// </summary>
public static class BackendChecks
{
    /// <summary>
    /// The error for two tensors that must share a backend object and do not: it names both, and
    /// says when they are two instances of one kind (two CpuBackend objects print the same name).
    /// </summary>
    internal static string BackendMismatch(string what, Tensor a, string otherWhat, Tensor b)
    {
        string first = what.Length == 0 ? a.Describe() : $"{what} {a.Describe()}";
        string second = otherWhat.Length == 0 ? b.Describe() : $"{otherWhat} {b.Describe()}";
        return a.Backend.Name == b.Backend.Name
            ? $"{first} and {second} are on two different backend objects (both {a.Backend.Name}); " +
              "make them with the same backend"
            : $"{first} is on {a.Backend.Name} but {second} is on {b.Backend.Name}";
    }

    /// <summary>
    /// Checks that x [rows, cols] has a maximum per row: y of rows elements, and cols &gt; 0 when rows &gt; 0.
    /// </summary>
    public static void RowMax(Tensor x, Tensor y)
    {
        int cols = x.Rank == 0 ? 1 : x.Dim(-1);
        int rows = cols == 0 ? y.Length : x.Length / cols;
        if (y.Length != rows)
        {
            throw new ArgumentException($"RowMax of {x.Describe()} needs {rows} outputs; got {y.Describe()}");
        }

        if (cols == 0 && rows > 0)
        {
            throw new ArgumentException($"RowMax of {x.Describe()}: rows of no elements have no maximum");
        }
    }

    /// <summary>Checks that op(A) [m, k], op(B) [k, n] and C [m, n] lie inside their tensors.</summary>
    public static void Gemm(
        bool transA, bool transB, int m, int n, int k,
        Tensor a, int aOffset, int lda, Tensor b, int bOffset, int ldb, Tensor c, int cOffset, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(m), $"GEMM sizes must not be negative; got m={m}, n={n}, k={k}");
        }

        Matrix("A", a, aOffset, lda, transA ? k : m, transA ? m : k);
        Matrix("B", b, bOffset, ldb, transB ? n : k, transB ? k : n);
        Matrix("C", c, cOffset, ldc, m, n);
    }

    /// <summary>
    /// Checks a strided batch of GEMMs: a non-negative count, and every matrix inside its tensor.
    /// Offsets are linear in the batch index, so the first and last matrices bound them all.
    /// </summary>
    public static void GemmStridedBatched(
        bool transA, bool transB, int m, int n, int k,
        Tensor a, int aOffset, int lda, long strideA, Tensor b, int bOffset, int ldb, long strideB,
        Tensor c, int cOffset, int ldc, long strideC, int batchCount)
    {
        if (batchCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchCount), $"must not be negative; got {batchCount}");
        }

        if (batchCount == 0)
        {
            return;
        }

        long last = batchCount - 1;
        Gemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        Gemm(transA, transB, m, n, k, a, checked((int)(aOffset + last * strideA)), lda,
            b, checked((int)(bOffset + last * strideB)), ldb, c, checked((int)(cOffset + last * strideC)), ldc);
    }

    /// <summary>Checks that a [rows, cols] matrix with leading dimension ld at offset fits in t.</summary>
    public static void Matrix(string name, Tensor t, int offset, int ld, int rows, int cols)
    {
        if (ld < Math.Max(1, cols))
        {
            throw new ArgumentException(
                $"GEMM: leading dimension of {name} is {ld}; it must be at least its {cols} columns, and at least 1");
        }

        long end = rows == 0 || cols == 0 ? offset : offset + (long)(rows - 1) * ld + cols;
        if (offset < 0 || end > t.Length)
        {
            throw new ArgumentException(
                $"GEMM: {name} [{rows}, {cols}] at offset {offset} with leading dimension {ld} needs {end} " +
                $"elements; {t.Describe()} has {t.Length}");
        }
    }
}
