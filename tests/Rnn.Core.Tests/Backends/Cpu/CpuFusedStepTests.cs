namespace Rnn.Core.Tests.Conformance;

// The fused recurrent step (GEMM with W_hh packed once + gate kernel, split by hidden units over
// the threads) against the two calls it replaces, Gemm then LstmGatesForward / GruGatesForward,
// on every instruction set, with padded rows. Sizes: hidden 64 is two AVX-512 panels and four
// AVX2 ones, so a step splits into several unit ranges; batch 7 is past the few-row GEMM, and
// batch 1 takes the one-row kernel.
public sealed class CpuFusedStepTests
{
    private const int Hidden = 64;

    private static readonly float[] LstmMask = { 1, 1, 0, 1, 1, 1, 0 };
    private static readonly float[] GruMask = { 0, 1, 1, 1, 1, 0, 1 };

    private static Tensor Values(CpuBackend be, ulong seed, int n)
    {
        var rng = new Rng(seed);
        return be.FromArray(Enumerable.Range(0, n).Select(_ => rng.Uniform(-1f, 1f)).ToArray(), new[] { n });
    }

    [TestCase(CpuSimd.Avx2, 1, 7)]
    [TestCase(CpuSimd.Avx2, 2, 7)]
    [TestCase(CpuSimd.Avx512, 2, 7)]
    [TestCase(CpuSimd.Scalar, 2, 1)]
    [TestCase(CpuSimd.Avx2, 1, 1)]
    [TestCase(CpuSimd.Avx2, 2, 1)]
    [TestCase(CpuSimd.Avx512, 2, 1)]
    public void LstmStepMatchesGemmThenGates(CpuSimd simd, int threads, int batch)
    {
        var be = new CpuBackend(threads, simd);
        int g4 = 4 * Hidden;
        var u = Values(be, 1, g4 * Hidden);   // [4H, H]
        var rec = Values(be, 2, batch * Hidden + 3);   // h_{t-1} at offset 3
        var cPrev = Values(be, 3, batch * Hidden);
        var mask = be.FromArray(LstmMask[..batch], new[] { batch });
        var gates0 = Values(be, 4, batch * g4);

        var (gatesA, cA, hA) = (be.FromArray(gates0.ToArray(), new[] { batch * g4 }),
            be.Zeros(new[] { batch * Hidden }), be.Zeros(new[] { batch * Hidden }));
        be.Gemm(false, true, batch, g4, Hidden, 1f, rec, 3, Hidden, u, 0, Hidden, 1f, gatesA, 0, g4);
        be.LstmGatesForward(batch, Hidden, gatesA, 0, cPrev, 0, rec, 3, cA, 0, hA, 0, mask, 0);

        var (gatesB, cB, hB) = (be.FromArray(gates0.ToArray(), new[] { batch * g4 }),
            be.Zeros(new[] { batch * Hidden }), be.Zeros(new[] { batch * Hidden }));
        using var packed = be.PackGemmB(true, g4, Hidden, u, 0, Hidden);
        Assert.That(be.CanFuseStep(packed, batch, Hidden, 4), Is.True);
        be.LstmStepForward(batch, Hidden, packed, rec, 3, gatesB, 0, cPrev, 0, rec, 3, cB, 0, hB, 0, mask, 0);

        // The same panels and kernels, split over different tasks: equal to float rounding.
        Assert.That(gatesB.ToArray(), Is.EqualTo(gatesA.ToArray()).Within(1e-5f), "activated gates");
        Assert.That(cB.ToArray(), Is.EqualTo(cA.ToArray()).Within(1e-5f), "c");
        Assert.That(hB.ToArray(), Is.EqualTo(hA.ToArray()).Within(1e-5f), "h");
    }

    [TestCase(CpuSimd.Avx2, 2, 7)]
    [TestCase(CpuSimd.Avx512, 1, 7)]
    [TestCase(CpuSimd.Avx2, 2, 1)]
    [TestCase(CpuSimd.Avx512, 2, 1)]
    public void GruStepMatchesGemmThenGates(CpuSimd simd, int threads, int batch)
    {
        var be = new CpuBackend(threads, simd);
        int g3 = 3 * Hidden;
        var u = Values(be, 5, g3 * Hidden);   // [3H, H]
        var hPrev = Values(be, 6, batch * Hidden);
        var mask = be.FromArray(GruMask[..batch], new[] { batch });
        var gi0 = Values(be, 7, batch * g3);
        var gh0 = Values(be, 8, batch * g3);

        var (giA, ghA, hA) = (be.FromArray(gi0.ToArray(), new[] { batch * g3 }),
            be.FromArray(gh0.ToArray(), new[] { batch * g3 }), be.Zeros(new[] { batch * Hidden }));
        be.Gemm(false, true, batch, g3, Hidden, 1f, hPrev, 0, Hidden, u, 0, Hidden, 1f, ghA, 0, g3);
        be.GruGatesForward(true, batch, Hidden, giA, 0, ghA, 0, hPrev, 0, hA, 0, mask, 0);

        var (giB, ghB, hB) = (be.FromArray(gi0.ToArray(), new[] { batch * g3 }),
            be.FromArray(gh0.ToArray(), new[] { batch * g3 }), be.Zeros(new[] { batch * Hidden }));
        using var packed = be.PackGemmB(true, g3, Hidden, u, 0, Hidden);
        be.GruStepForward(batch, Hidden, packed, hPrev, 0, giB, 0, ghB, 0, hPrev, 0, hB, 0, mask, 0);

        Assert.That(ghB.ToArray(), Is.EqualTo(ghA.ToArray()).Within(1e-5f), "recurrent pre-activations");
        Assert.That(giB.ToArray(), Is.EqualTo(giA.ToArray()).Within(1e-5f), "activated gates");
        Assert.That(hB.ToArray(), Is.EqualTo(hA.ToArray()).Within(1e-5f), "h");
    }

    // With b_hh given, the fused step writes gh = b_hh + h W_hh^T (the bias epilogue), whatever
    // gh held (NaN here), as the bias copied over gh and then the GEMM added to it would.
    [TestCase(CpuSimd.Avx2, 2, 7)]
    [TestCase(CpuSimd.Avx512, 2, 7)]
    [TestCase(CpuSimd.Avx512, 2, 1)]
    [TestCase(CpuSimd.Scalar, 1, 1)]
    public void GruStepWithBiasWritesBiasPlusProduct(CpuSimd simd, int threads, int batch)
    {
        var be = new CpuBackend(threads, simd);
        int g3 = 3 * Hidden;
        var u = Values(be, 5, g3 * Hidden);
        var hPrev = Values(be, 6, batch * Hidden);
        var bias = Values(be, 9, g3);
        var gi0 = Values(be, 7, batch * g3);

        var (giA, ghA, hA) = (be.FromArray(gi0.ToArray(), new[] { batch * g3 }), be.Zeros(new[] { batch * g3 }),
            be.Zeros(new[] { batch * Hidden }));
        be.CopyBlocks(bias, 0, 0, ghA, 0, g3, g3, batch);
        be.Gemm(false, true, batch, g3, Hidden, 1f, hPrev, 0, Hidden, u, 0, Hidden, 1f, ghA, 0, g3);
        be.GruGatesForward(true, batch, Hidden, giA, 0, ghA, 0, hPrev, 0, hA, 0, null, 0);

        var (giB, hB) = (be.FromArray(gi0.ToArray(), new[] { batch * g3 }), be.Zeros(new[] { batch * Hidden }));
        var ghB = be.FromArray(Enumerable.Repeat(float.NaN, batch * g3).ToArray(), new[] { batch * g3 });
        using var packed = be.PackGemmB(true, g3, Hidden, u, 0, Hidden);
        be.GruStepForward(batch, Hidden, packed, hPrev, 0, giB, 0, ghB, 0, hPrev, 0, hB, 0, null, 0, bias);

        Assert.That(ghB.ToArray(), Is.EqualTo(ghA.ToArray()).Within(1e-5f), "recurrent pre-activations");
        Assert.That(hB.ToArray(), Is.EqualTo(hA.ToArray()).Within(1e-5f), "h");
    }

    [Test]
    public void StepsThatCannotSplitOnPanelEdgesAreNotFused()
    {
        var be = new CpuBackend(2, CpuSimd.Avx2);
        var u = be.Zeros(new[] { 4 * 40 * 40 });
        using var packed = be.PackGemmB(true, 4 * 40, 40, u, 0, 40);
        Assert.That(be.CanFuseStep(packed, 7, 40, 4), Is.False, "40 units are not whole 16-wide panels");
        var u2 = be.Zeros(new[] { 4 * 32 * 32 });
        using var packed2 = be.PackGemmB(true, 4 * 32, 32, u2, 0, 32);
        Assert.That(be.CanFuseStep(packed2, 3, 32, 4), Is.False, "3 rows take the few-row GEMM");
        Assert.That(be.CanFuseStep(packed2, 1, 32, 4), Is.True, "one row takes the row kernel");
    }
}
