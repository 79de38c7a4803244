using System.Runtime.InteropServices;
using Rnn.Core.Cpu;

namespace Rnn.Core.Tests.Conformance;

// CPU-only GEMM checks at sizes the shared suite keeps small: several row blocks (MC), the
// 12-row AVX-512 kernel of many-row products, depth blocks (KC = 256), thin GEMVs and few-row
// products (SmallGemm), each instruction set against the plain GemmReference loop and against
// each other, serial and on two threads.
public sealed class CpuGemmTests
{
    private static float[] Values(ulong seed, int n)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => rng.Uniform(-1f, 1f)).ToArray();
    }

    [TestCase(CpuSimd.Scalar, 1, 130, 70, 520)]
    [TestCase(CpuSimd.Avx2, 1, 130, 70, 520)]
    [TestCase(CpuSimd.Avx2, 2, 130, 70, 520)]
    [TestCase(CpuSimd.Avx2, 2, 1, 300, 260)]
    [TestCase(CpuSimd.Avx2, 2, 257, 3, 64)]
    [TestCase(CpuSimd.Avx2, 1, 4, 37, 19)]   // few-row path: tails of 4 columns, 8 columns, depth 8
    [TestCase(CpuSimd.Avx2, 2, 2, 1100, 300)]   // few-row path split over two threads
    [TestCase(CpuSimd.Avx2, 2, 64, 2100, 40)]   // fewer rows than MC: tasks split the columns
    // few rows, B packed per task chunk: 2 column and 3 depth blocks, edge panel
    [TestCase(CpuSimd.Avx2, 2, 50, 2100, 600)]
    [TestCase(CpuSimd.Avx512, 2, 100, 2090, 300)]   // the same with AVX-512 panels
    [TestCase(CpuSimd.Avx512, 2, 40, 70, 270)]
    [TestCase(CpuSimd.Avx512, 2, 64, 45, 21)]   // transposed B packed in 8x8 blocks: a 13-wide panel, depth 21
    [TestCase(CpuSimd.Avx2, 1, 20, 45, 300)]   // the same on 16-wide panels, a depth block and 44 more
    [TestCase(CpuSimd.Avx512, 1, 301, 70, 300)]   // over MC rows: the 12-row kernel, an edge tile of 1 row
    [TestCase(CpuSimd.Avx512, 2, 250, 2090, 40)]   // the 12-row kernel on two threads, 2 column blocks
    [TestCase(CpuSimd.Auto, 2, 64, 130, 96)]
    [TestCase(CpuSimd.Avx512, 2, 1000, 70, 300)]   // many rows: 21 tasks of 48 rows, the last 40
    [TestCase(CpuSimd.Avx2, 2, 700, 50, 260)]   // 14 tasks of 48 rows and one of 28 on the 6-row kernel
    [TestCase(CpuSimd.Avx512, 2, 260, 2090, 300)]   // A and B packed whole, tiles of C: 2 column blocks
    [TestCase(CpuSimd.Scalar, 2, 130, 70, 520)]   // the same on the 4x8 scalar kernel
    // Depth 1100: at least three depth blocks whether they are 256 or 512 deep (512 where a core
    // has 2 MiB of L2), the last one partial: tiles, the serial 12-row kernel, few rows.
    [TestCase(CpuSimd.Avx512, 2, 260, 100, 1100)]
    [TestCase(CpuSimd.Avx512, 1, 130, 45, 1100)]
    [TestCase(CpuSimd.Avx512, 2, 64, 200, 1100)]   // few rows: B panels packed by the kernel calls
    [TestCase(CpuSimd.Avx2, 2, 150, 40, 1100)]
    // The AVX2 kernels run four depth steps a pass, then the rest one at a time: depths that
    // leave 1, 2 or 3 over, on the 6-row kernel (and RunTiles), the 4-row one (64 rows), the
    // 2-row one over two panels (32 rows), and a depth under four (no whole pass).
    [TestCase(CpuSimd.Avx2, 1, 30, 70, 263)]
    [TestCase(CpuSimd.Avx2, 2, 300, 70, 301)]
    [TestCase(CpuSimd.Avx2, 2, 64, 48, 259)]
    [TestCase(CpuSimd.Avx2, 1, 32, 64, 258)]
    [TestCase(CpuSimd.Avx2, 1, 32, 64, 3)]
    public void PackedGemmMatchesReferenceLoop(CpuSimd simd, int threads, int m, int n, int k) =>
        CheckAgainstReference(simd, threads, m, n, k);

    // Many rows and several depth blocks pack A and B whole first when they fit WholePackLimit;
    // larger ones pack B block by block between rounds of multiplying, A in each task.
    [TestCase(CpuSimd.Avx512, 2, 301, 70, 300)]
    [TestCase(CpuSimd.Avx2, 2, 700, 50, 260)]
    [TestCase(CpuSimd.Avx512, 2, 260, 2090, 300)]
    public void BlockByBlockPackingMatchesReferenceLoop(CpuSimd simd, int threads, int m, int n, int k)
    {
        long limit = PackedGemm.WholePackLimit;
        PackedGemm.WholePackLimit = 0;
        try
        {
            CheckAgainstReference(simd, threads, m, n, k);
        }
        finally
        {
            PackedGemm.WholePackLimit = limit;
        }
    }

    private static void CheckAgainstReference(CpuSimd simd, int threads, int m, int n, int k)
    {
        var be = new CpuBackend(threads, simd);
        foreach (var (ta, tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            int lda = ta ? m : k, ldb = tb ? k : n;
            float[] a = Values(1, m * k), b = Values(2, k * n), c0 = Values(3, m * n);
            var expected = (float[])c0.Clone();
            CpuBackend.GemmReference(ta, tb, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, -1f, expected, 0, n,
                new ParallelOptions { MaxDegreeOfParallelism = 1 });
            var c = be.FromArray(c0, new[] { m * n });
            be.Gemm(ta, tb, m, n, k, 0.5f, be.FromArray(a, new[] { a.Length }), 0, lda,
                be.FromArray(b, new[] { b.Length }), 0, ldb, -1f, c, 0, n);

            // Depth up to 520 of products in [-1, 1], float against float in another order:
            // differences stay under 1e-4 with margin (typically ~1e-5).
            var actual = c.ToArray();
            for (int i = 0; i < actual.Length; i++)
            {
                Assert.That(actual[i], Is.EqualTo(expected[i]).Within(2e-4f), $"{ta}/{tb} element {i}");
            }
        }
    }

    // GemmBias adds the bias as C is written (the bias epilogue) on every path: few rows
    // (SmallGemm primes C first), few rows with B packed per task, the 8- and 12-row kernels
    // with edge tiles and two column blocks, the scalar kernel, and k = 0 / alpha = 0. It must
    // equal Gemm plus the bias added afterwards; with beta 0, whatever C held (NaN here) is
    // ignored.
    [TestCase(CpuSimd.Avx512, 2, 3, 70, 40)]   // few rows: SmallGemm
    [TestCase(CpuSimd.Avx512, 2, 100, 2090, 300)]   // few rows, B packed per task, 2 column blocks
    [TestCase(CpuSimd.Avx512, 2, 301, 70, 300)]   // 12-row kernel, 1-row edge tile, 2 depth blocks
    [TestCase(CpuSimd.Avx512, 1, 130, 45, 20)]   // 12-row kernel serial, 13-wide edge panel
    [TestCase(CpuSimd.Avx2, 2, 250, 2100, 40)]
    [TestCase(CpuSimd.Scalar, 1, 70, 40, 300)]
    [TestCase(CpuSimd.Avx512, 2, 150, 70, 0)]   // k = 0: C = beta * C + bias
    [TestCase(CpuSimd.Avx512, 2, 260, 2090, 300)]   // tiles summed apart, 2 column blocks
    [TestCase(CpuSimd.Avx512, 2, 260, 100, 1100)]   // tiles through three or more depth blocks
    [TestCase(CpuSimd.Avx512, 2, 64, 300, 1100)]   // few rows, B panels packed by the kernel calls
    [TestCase(CpuSimd.Scalar, 2, 130, 70, 520)]   // the same on the scalar kernel
    public void GemmBiasMatchesGemmThenBias(CpuSimd simd, int threads, int m, int n, int k)
    {
        var be = new CpuBackend(threads, simd);
        foreach (var (tb, beta, alpha) in new[] { (true, 0f, 1f), (false, 0.5f, -0.5f), (true, 1f, 0f) })
        {
            int lda = Math.Max(1, k), ldb = tb ? Math.Max(1, k) : n;
            var a = be.FromArray(Values(11, m * lda), new[] { m * lda });
            var b = be.FromArray(Values(12, Math.Max(1, k) * n), new[] { Math.Max(1, k) * n });
            var bias = be.FromArray(Values(13, n + 7), new[] { n + 7 });
            float[] c0 = beta == 0f ? Enumerable.Repeat(float.NaN, m * n).ToArray() : Values(14, m * n);
            var expected = be.FromArray(c0, new[] { m * n });
            var actual = be.FromArray(c0, new[] { m * n });
            be.Gemm(false, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, expected, 0, n);
            var e = expected.ToArray();
            float[] bv = bias.ToArray();
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    e[i * n + j] += bv[7 + j];
                }
            }

            be.GemmBias(false, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb, bias, 7, beta, actual, 0, n);
            var got = actual.ToArray();
            for (int i = 0; i < got.Length; i++)
            {
                Assert.That(got[i], Is.EqualTo(e[i]).Within(1e-4f), $"transB {tb}, beta {beta}: element {i}");
            }
        }
    }

    // On AVX2 a product whose rows end in a 2-row tile (32 rows: five 6-row tiles and two rows)
    // runs that tile two B panels at a time (Avx2Kernel.Run2Wide), every sum in the order of the
    // 6-row kernel: the first 32 rows of a 36-row product (whose last tile is whole) are the same
    // bits. Covered: an odd panel count (the last panel's 2 rows go through the scratch tile, as
    // does a narrow last panel), the bias primed over both panels, beta 1, beta 0 ignoring C
    // (NaN), two depth blocks, two column blocks, and tasks splitting the panels on two threads;
    // with B packed per call (and the bias) and prepacked (without).
    [TestCase(1, 70, 300, 0f)]
    [TestCase(1, 80, 40, 1f)]
    [TestCase(2, 2100, 300, 1f)]
    [TestCase(2, 130, 260, 0f)]
    [TestCase(1, 70, 263, 1f)]   // a depth that leaves three steps after the four-step passes
    public void TwoRowEdgeTilesGiveTheBitsOfWholeTiles(int threads, int n, int k, float beta)
    {
        var be = new CpuBackend(threads, CpuSimd.Avx2);
        var a = be.FromArray(Values(41, 36 * k), new[] { 36 * k });
        var b = be.FromArray(Values(42, n * k), new[] { n * k });
        var bias = be.FromArray(Values(43, n), new[] { n });
        float[] c0 = beta == 0f ? Enumerable.Repeat(float.NaN, 36 * n).ToArray() : Values(44, 36 * n);
        using var packed = be.PackGemmB(true, n, k, b, 0, k);
        foreach (var prepacked in new[] { false, true })
        {
            float[] Product(int m)
            {
                var c = be.FromArray(c0[..(m * n)], new[] { m * n });
                if (prepacked)
                {
                    be.GemmPacked(false, m, 0.5f, a, 0, k, packed, beta, c, 0, n);
                }
                else
                {
                    be.GemmBias(false, true, m, n, k, 0.5f, a, 0, k, b, 0, k, bias, 0, beta, c, 0, n);
                }

                return c.ToArray();
            }

            float[] whole = Product(36), edged = Product(32);
            for (int i = 0; i < edged.Length; i++)
            {
                Assert.That(BitConverter.SingleToInt32Bits(edged[i]),
                    Is.EqualTo(BitConverter.SingleToInt32Bits(whole[i])),
                    $"prepacked {prepacked}: row {i / n}, col {i % n}");
            }
        }
    }

    // Which 2-row edge tiles pair up (above) depends on each task's panel range, so the products
    // of 1 and 3 threads must still be the same bits for any beta: at 0.3 and -1.7 the paired
    // kernel's one rounding of beta * C + acc and the scratch tile's two differed in the last bit.
    [TestCase(0.3f)]
    [TestCase(-1.7f)]
    [TestCase(1f)]
    public void TwoRowEdgeTilesGiveTheSameBitsOnAnyThreadCount(float beta)
    {
        const int m = 62, n = 224, k = 13;
        float[] a = Values(51, m * k), b = Values(52, k * n), c0 = Values(53, m * n);
        float[] Product(int threads)
        {
            var be = new CpuBackend(threads, CpuSimd.Avx2);
            var c = be.FromArray(c0, new[] { m * n });
            be.Gemm(true, true, m, n, k, 2f, be.FromArray(a, new[] { m * k }), 0, m, be.FromArray(b, new[] { k * n }),
                0, k, beta, c, 0, n);
            return c.ToArray();
        }

        float[] one = Product(1), three = Product(3);
        for (int i = 0; i < one.Length; i++)
        {
            Assert.That(BitConverter.SingleToInt32Bits(three[i]), Is.EqualTo(BitConverter.SingleToInt32Bits(one[i])),
                $"row {i / n}, col {i % n}");
        }
    }

    [Test]
    public void GemmBiasChecksTheBiasLength()
    {
        var be = new CpuBackend(1);
        var a = be.Zeros(new[] { 4, 3 });
        var b = be.Zeros(new[] { 3, 5 });
        var c = be.Zeros(new[] { 4, 5 });
        var ex = Assert.Throws<ArgumentException>(() =>
            be.GemmBias(false, false, 4, 5, 3, 1f, a, 0, 3, b, 0, 5, be.Zeros(new[] { 6 }), 2, 0f, c, 0, 5));
        Assert.That(ex!.Message, Does.Contain("bias"));
    }

    // Thread counts past MaxThreads are refused by name: twice the threads, counted in 32-bit
    // integers, overflowed past 2^30 into wrong products or a DivideByZeroException.
    [TestCase(-1)]
    [TestCase(CpuBackend.MaxThreads + 1)]
    [TestCase(int.MaxValue)]
    public void AThreadCountOutOfRangeIsRefused(int threads)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CpuBackend(threads));
        Assert.That(e!.ParamName, Is.EqualTo("threads"));
        Assert.That(e.Message, Does.Contain($"1 to {CpuBackend.MaxThreads} threads"));
        Assert.That(new CpuBackend(CpuBackend.MaxThreads).Threads, Is.EqualTo(CpuBackend.MaxThreads));
    }

    // A B packed once (PackGemmB) must give what Gemm gives, on every path, for products that
    // take panels (several column and depth blocks) and for few-row ones (SmallGemm reads B in
    // place), and stay reusable across calls with different A, C and beta.
    [TestCase(CpuSimd.Scalar, 1, 70, 40, 300)]
    [TestCase(CpuSimd.Avx2, 2, 70, 2100, 300)]
    [TestCase(CpuSimd.Avx2, 2, 2, 130, 260)]
    [TestCase(CpuSimd.Avx512, 2, 19, 70, 270)]
    [TestCase(CpuSimd.Avx512, 2, 150, 70, 270)]   // B packed for the 8-row kernel, used by the 12-row one
    public void PrepackedBMatchesGemm(CpuSimd simd, int threads, int m, int n, int k)
    {
        var be = new CpuBackend(threads, simd);
        foreach (bool tb in new[] { false, true })
        {
            int ldb = (tb ? k : n) + 3;
            var b = be.FromArray(Values(4, 5 + (tb ? n : k) * ldb), new[] { 5 + (tb ? n : k) * ldb });
            using var packed = be.PackGemmB(tb, n, k, b, 5, ldb);
            foreach (float beta in new[] { 0f, 1f })
            {
                var a = be.FromArray(Values(5 + (ulong)(beta * 10), m * k), new[] { m * k });
                float[] c0 = Values(6, m * n);
                var expected = be.FromArray(c0, new[] { m * n });
                var actual = be.FromArray(c0, new[] { m * n });
                be.Gemm(false, tb, m, n, k, 0.5f, a, 0, k, b, 5, ldb, beta, expected, 0, n);
                be.GemmPacked(false, m, 0.5f, a, 0, k, packed, beta, actual, 0, n);

                // Same kernels on the same panels: only the split into tasks may differ.
                Assert.That(actual.ToArray(), Is.EqualTo(expected.ToArray()).Within(1e-5f),
                    $"transB {tb}, beta {beta}");
            }
        }
    }

    // Tiles of a many-row, many-deep product are summed apart and written into C at the end: into
    // a C that is part of a wider matrix (an offset, rows ldc apart) they write their rows and
    // columns only, with beta applied once (beta 0 never reads the NaN C holds), and leave the
    // elements between the rows alone.
    [TestCase(CpuSimd.Avx512, 0.5f)]
    [TestCase(CpuSimd.Avx512, 0f)]
    [TestCase(CpuSimd.Avx2, 0.5f)]
    [TestCase(CpuSimd.Scalar, 0f)]
    public void TiledProductsWriteOnlyTheirPartOfAWiderC(CpuSimd simd, float beta)
    {
        const int m = 262, n = 300, k = 520, offset = 7, ldc = n + 5;
        var be = new CpuBackend(2, simd);
        float[] a = Values(21, m * k), b = Values(22, k * n);
        int length = offset + m * ldc;
        float[] c0 = beta == 0f ? Enumerable.Repeat(float.NaN, length).ToArray() : Values(23, length);
        for (int i = 0; i < m; i++)
        {
            for (int j = n; j < ldc && offset + i * ldc + j < c0.Length; j++)
            {
                c0[offset + i * ldc + j] = 1000f + j;   // between the rows: never written
            }
        }

        c0[0] = -5f;
        var expected = (float[])c0.Clone();
        CpuBackend.GemmReference(false, false, m, n, k, 0.25f, a, 0, k, b, 0, n, beta, expected, offset, ldc,
            new ParallelOptions { MaxDegreeOfParallelism = 1 });
        var c = be.FromArray(c0, new[] { c0.Length });
        be.Gemm(false, false, m, n, k, 0.25f, be.FromArray(a, new[] { a.Length }), 0, k,
            be.FromArray(b, new[] { b.Length }), 0, n, beta, c, offset, ldc);

        var actual = c.ToArray();
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(2e-4f), $"element {i}");
        }
    }

    // Prepack splits the packing over threads; the panels are the same as packed on first use,
    // across column blocks (n over 2048), depth blocks (k over 256) and edge panels.
    [TestCase(CpuSimd.Avx512, true, 2090, 300, 3)]
    [TestCase(CpuSimd.Avx512, false, 1030, 520, 2)]
    [TestCase(CpuSimd.Avx2, true, 70, 45, 4)]
    [TestCase(CpuSimd.Scalar, false, 37, 19, 2)]
    public void PrepackedPanelsMatchThePanelsPackedOnFirstUse(CpuSimd simd, bool transB, int n, int k, int threads)
    {
        var be = new CpuBackend(1, simd);
        int ldb = transB ? k + 3 : n + 3;
        var b = be.FromArray(Values(31, (transB ? n : k) * ldb + 5), new[] { (transB ? n : k) * ldb + 5 });
        using var lazy = be.PackGemmB(transB, n, k, b, 5, ldb);
        using var prepacked = be.PackGemmB(transB, n, k, b, 5, ldb);
        prepacked.Prepack(threads);
        prepacked.Prepack(threads);   // a second call packs nothing more
        int length = PackedGemm.PackedLength(simd, n, k);
        Assert.That(prepacked.Data.AsSpan(prepacked.Origin, length).ToArray(),
            Is.EqualTo(lazy.Data.AsSpan(lazy.Origin, length).ToArray()));
    }

    // The tasks of a parallel step all ask for the panels at the first step; one packing must
    // serve them all (two raced before, and the loser's buffer never went back to the pool).
    [Test]
    public void ConcurrentFirstUsesOfAPackedBShareOneBuffer()
    {
        var be = new CpuBackend(1, CpuSimd.Avx512);
        var b = be.FromArray(Values(7, 512 * 512), new[] { 512 * 512 });
        for (int round = 0; round < 20; round++)
        {
            using var packed = be.PackGemmB(true, 512, 512, b, 0, 512);
            var seen = new float[8][];
            using var start = new Barrier(seen.Length);
            var threads = Enumerable.Range(0, seen.Length).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                seen[i] = packed.Data;
            })).ToArray();
            foreach (var t in threads)
            {
                t.Start();
            }

            foreach (var t in threads)
            {
                t.Join();
            }

            Assert.That(seen.Distinct().Count(), Is.EqualTo(1), $"round {round}: several packed buffers");
        }
    }

    // Packed panels start on a 64-byte line inside their buffer, whatever the buffer's own address.
    [Test]
    public void PackedPanelsStartOnACacheLine()
    {
        foreach (int length in new[] { 1, 17, 100, 4096, 30_000, 300_000 })
        {
            for (int skew = 0; skew < 16; skew++)
            {
                // Arrays of different sizes land at different addresses; the origin follows each.
                var filler = new float[skew + 1];
                var array = GC.AllocateUninitializedArray<float>(length + PackedGemm.AlignmentPad, pinned: true);
                int origin = PackedGemm.AlignedOrigin(array);
                Assert.That(AddressOf(array, origin) % 64, Is.EqualTo(0), $"length {length}");
                Assert.That(origin, Is.InRange(0, PackedGemm.AlignmentPad));
                GC.KeepAlive(filler);
            }
        }

        var be = new CpuBackend(1, CpuSimd.Avx512);
        var b = be.FromArray(Values(8, 96 * 64), new[] { 96 * 64 });
        using var packed = be.PackGemmB(false, 64, 96, b, 0, 64);
        Assert.That(AddressOf(packed.Data, packed.Origin) % 64, Is.EqualTo(0));
    }

    private static long AddressOf(float[] array, int index)
    {
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            return (long)handle.AddrOfPinnedObject() + index * sizeof(float);
        }
        finally
        {
            handle.Free();
        }
    }

    [Test]
    public void PrepackedBIsCheckedAgainstItsTensor()
    {
        var be = new CpuBackend(1, CpuSimd.Avx2);
        var b = be.Zeros(new[] { 10 });
        var ex = Assert.Throws<ArgumentException>(() => be.PackGemmB(false, 4, 3, b, 0, 4));
        Assert.That(ex!.Message, Does.Contain("needs 12 elements"));
    }

    [Test]
    public void AutoNeverPicksEmulatedVectors()
    {
        var simd = new CpuBackend(1, CpuSimd.Auto).Simd;
        if (!CpuFeatures.HasAvx512)
        {
            Assert.That(simd, Is.Not.EqualTo(CpuSimd.Avx512));
        }

        if (!CpuFeatures.HasAvx2Fma)
        {
            Assert.That(simd, Is.EqualTo(CpuSimd.Scalar));
        }

        Assert.That(new CpuBackend(1, CpuSimd.Avx512).Simd, Is.EqualTo(CpuSimd.Avx512), "explicit sets are kept");
    }
}
