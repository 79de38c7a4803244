namespace Rnn.Core.Tests.Conformance;

// GEMM cases: every transpose pair, odd sizes around each kernel's tile edges (6x16, 8x32,
// 4x8), a depth past one packed block (256), a width past one column block (2048), one size
// large enough to run in parallel, leading dimensions wider than the rows, and offsets.
public abstract partial class BackendConformanceTests
{
    private static readonly (int M, int N, int K)[] GemmSizes =
    {
        (1, 1, 1), (7, 5, 3), (13, 37, 19), (6, 16, 300), (9, 33, 8), (3, 2100, 5), (50, 61, 70),
    };

    // Sums of up to 300 products of values in [-1, 1], accumulated in float in a different
    // order than the double reference: 1e-4 absolute covers it with margin (errors seen ~1e-5).
    private const float GemmTol = 1e-4f;

    [TestCaseSource(nameof(GemmCases))]
    public void GemmMatchesDefinition(int size, bool transA, bool transB, float beta)
    {
        var (m, n, k) = GemmSizes[size];
        int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 1, ldc = n + 2;
        int aRows = transA ? k : m, bRows = transB ? n : k;
        var a = RandomAtOffset(21, 4, aRows * lda);
        var b = RandomAtOffset(22, 3, bRows * ldb + 2);
        var c = RandomAtOffset(23, 5, m * ldc + 1);
        if (beta == 0f)
        {
            // beta = 0 must ignore C entirely, even NaN.
            Backend.Fill(c, float.NaN);
        }

        var expected = c.ToArray();
        var before = StorageValues(c);
        Reference.Gemm(transA, transB, m, n, k, 1.5f, a.ToArray(), 0, lda, b.ToArray(), 2, ldb,
            beta, expected, 1, ldc);

        Backend.Gemm(transA, transB, m, n, k, 1.5f, a, 0, lda, b, 2, ldb, beta, c, 1, ldc);

        AssertClose(expected, c, GemmTol, GemmTol, $"gemm {m}x{n}x{k}");
        AssertGuardsIntact(c, before);
    }

    private static IEnumerable<TestCaseData> GemmCases()
    {
        for (int s = 0; s < GemmSizes.Length; s++)
        {
            foreach (bool ta in new[] { false, true })
            {
                foreach (bool tb in new[] { false, true })
                {
                    foreach (float beta in new[] { 0f, 0.5f })
                    {
                        var (m, n, k) = GemmSizes[s];
                        yield return new TestCaseData(s, ta, tb, beta).SetArgDisplayNames(
                            $"{m}x{n}x{k}", ta ? "At" : "A", tb ? "Bt" : "B", $"beta{beta}");
                    }
                }
            }
        }
    }

    [Test]
    public void GemmWithZeroDepthOrAlphaScalesC([Values(0f, 1f, 0.5f)] float beta)
    {
        var a = Random(24, 4 * 3);
        var b = Random(25, 3 * 5);
        var c = Random(26, 4 * 5);
        var expected = c.ToArray().Select(v => beta * v).ToArray();
        Backend.Gemm(false, false, 4, 5, 0, 1f, a, 0, 3, b, 0, 5, beta, c, 0, 5);
        AssertClose(expected, c, 0f, 0f, "k = 0");
        var c2 = Random(26, 4 * 5);
        Backend.Gemm(false, false, 4, 5, 3, 0f, a, 0, 3, b, 0, 5, beta, c2, 0, 5);
        AssertClose(expected, c2, 0f, 0f, "alpha = 0");
    }

    [Test]
    public void GemmRejectsMatricesOutsideTheirTensor()
    {
        var a = Random(27, 4 * 3);
        var b = Random(28, 3 * 5);
        var c = Random(29, 4 * 5);
        Assert.Throws<ArgumentException>(() => Backend.Gemm(false, false, 4, 5, 3, 1f, a, 1, 3, b, 0, 5, 0f, c, 0, 5));
        Assert.Throws<ArgumentException>(() => Backend.Gemm(false, false, 4, 5, 3, 1f, a, 0, 2, b, 0, 5, 0f, c, 0, 5));
        Assert.Throws<ArgumentException>(() => Backend.Gemm(false, false, 4, 5, 3, 1f, a, 0, 3, b, 0, 5, 0f, c, 0, 6));
    }

    [TestCase(false, false, 5)]
    [TestCase(true, true, 5)]
    [TestCase(false, true, 1)]
    public void GemmStridedBatchedMatchesLoopOfGemms(bool transA, bool transB, int batch)
    {
        const int m = 7, n = 9, k = 11;
        int lda = transA ? m : k, ldb = transB ? k : n;
        long strideA = m * k + 3, strideC = m * n + 1;
        var a = RandomAtOffset(30, 2, (int)strideA * batch);
        var b = RandomAtOffset(31, 1, k * n);                // stride 0: one B for every product
        var c = RandomAtOffset(32, 3, (int)strideC * batch);
        var expected = c.ToArray();
        float[] av = a.ToArray(), bv = b.ToArray();
        for (int i = 0; i < batch; i++)
        {
            Reference.Gemm(transA, transB, m, n, k, 0.75f, av, (int)(i * strideA), lda, bv, 0, ldb,
                1f, expected, (int)(i * strideC), n);
        }

        Backend.GemmStridedBatched(transA, transB, m, n, k, 0.75f, a, 0, lda, strideA, b, 0, ldb, 0,
            1f, c, 0, n, strideC, batch);

        AssertClose(expected, c, GemmTol, GemmTol, "batched");
    }

    [Test]
    public void GemmStridedBatchedWithCStrideZeroAccumulatesInOrder()
    {
        // C stride 0 with beta = 1 sums every product into one C: no product may be lost to a race.
        const int m = 3, n = 4, k = 5, batch = 6;
        var a = Random(33, batch * m * k);
        var b = Random(34, batch * k * n);
        var c = Random(35, m * n);
        var expected = c.ToArray();
        float[] av = a.ToArray(), bv = b.ToArray();
        for (int i = 0; i < batch; i++)
        {
            Reference.Gemm(false, false, m, n, k, 1f, av, i * m * k, k, bv, i * k * n, n, 1f, expected, 0, n);
        }

        Backend.GemmStridedBatched(false, false, m, n, k, 1f, a, 0, k, m * k, b, 0, n, k * n, 1f, c, 0, n, 0, batch);
        AssertClose(expected, c, GemmTol, GemmTol, "summed batch");
    }
}
