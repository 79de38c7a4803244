using Rnn.Core.Recurrent;
using RnnLayer = Rnn.Core.Recurrent.Rnn;

namespace Rnn.Core.Tests.Conformance;

// Sequences whose steps run as one parallel region (CpuBackend.LstmSequenceForward /
// GruSequenceForward), batch 1 and batch 9 (past the few-row GEMM), against the per-step path
// of a one-thread backend: the same kernels on the same unit ranges, so the outputs must be
// equal bit for bit, padding included. Hidden 192 is the smallest size a step is split at
// (3 * 192^2 multiply-adds for a GRU).
public sealed class CpuSequenceRegionTests
{
    private const int Hidden = 192;

    private static Tensor Input(IBackend be, int batch, int time, int features)
    {
        var rng = new Rng(5);
        var data = Enumerable.Range(0, batch * time * features).Select(_ => rng.Uniform(-1f, 1f)).ToArray();
        return be.FromArray(data, new[] { batch, time, features });
    }

    private static (float[] Output, float[] State) Run(ICellFactory make, CpuBackend be, int time, int[]? lengths)
    {
        var cell = make.Create(be);
        var layer = new RnnLayer(cell, new RnnOptions { ReturnSequences = true });
        var result = layer.Forward(Input(be, lengths?.Length ?? 1, time, 40), lengths: lengths);
        return (result.Output.ToArray(), result.States[0].ToArray());
    }

    // The output sequences of an LSTM and a GRU of `units` units (seeded alike) over the same input.
    private static float[][] LstmAndGruOutputs(CpuBackend be, int units, int batch, int time) =>
        new IRnnCell[] { new LstmCell(40, units, new Rng(3), be), new GruCell(40, units, new Rng(3), true, be) }
            .Select(cell => new RnnLayer(cell, new RnnOptions { ReturnSequences = true })
                .Forward(Input(be, batch, time, 40)).Output.ToArray())
            .ToArray();

    public interface ICellFactory
    {
        IRnnCell Create(CpuBackend be);
    }

    private sealed class Lstm : ICellFactory
    {
        public IRnnCell Create(CpuBackend be) => new LstmCell(40, Hidden, new Rng(3), be);
    }

    private sealed class Gru : ICellFactory
    {
        public IRnnCell Create(CpuBackend be) => new GruCell(40, Hidden, new Rng(3), resetAfter: true, be);
    }

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var simd in new[] { CpuSimd.Avx512, CpuSimd.Avx2 })
        {
            yield return new TestCaseData(new Lstm(), simd, 37, null).SetName($"Lstm_{simd}_37_steps");
            yield return new TestCaseData(new Gru(), simd, 37, null).SetName($"Gru_{simd}_37_steps");
        }

        // A padded sample: steps past its length carry the state.
        yield return new TestCaseData(new Lstm(), CpuSimd.Avx512, 30, new[] { 21 }).SetName("Lstm_padded");
        yield return new TestCaseData(new Gru(), CpuSimd.Avx2, 30, new[] { 9 }).SetName("Gru_padded");

        // Nine samples of different lengths: rows of h_{t-1} packed by each participant.
        int[] nine = { 30, 4, 17, 30, 1, 29, 8, 30, 12 };
        yield return new TestCaseData(new Lstm(), CpuSimd.Avx512, 30, nine).SetName("Lstm_batch_9");
        int[] odd = { 31, 4, 17, 31, 1, 29, 8, 30, 12 };
        yield return new TestCaseData(new Lstm(), CpuSimd.Avx512, 31, odd).SetName("Lstm_batch_9_odd_steps");
        yield return new TestCaseData(new Lstm(), CpuSimd.Avx2, 30, nine).SetName("Lstm_batch_9_avx2");
        yield return new TestCaseData(new Gru(), CpuSimd.Avx512, 30, nine).SetName("Gru_batch_9");
        yield return new TestCaseData(new Gru(), CpuSimd.Avx2, 30, nine).SetName("Gru_batch_9_avx2");
    }

    [TestCaseSource(nameof(Cases))]
    public void OneRegionEqualsStepByStep(ICellFactory make, CpuSimd simd, int time, int[]? lengths)
    {
        var two = new CpuBackend(2, simd);
        var one = new CpuBackend(1, simd);
        using (var packed = two.PackGemmB(true, 4 * Hidden, Hidden, two.Zeros(new[] { 4 * Hidden, Hidden }), 0, Hidden))
        {
            Assert.That(two.CanRunSequence(packed, lengths?.Length ?? 1, Hidden, 4), Is.True,
                "the region path is not taken");
            Assert.That(one.CanRunSequence(one.PackGemmB(true, 4 * Hidden, Hidden,
                one.Zeros(new[] { 4 * Hidden, Hidden }), 0, Hidden), 1, Hidden, 4), Is.False);
        }

        var expected = Run(make, one, time, lengths);
        var actual = Run(make, two, time, lengths);
        Assert.That(actual.Output, Is.EqualTo(expected.Output), "outputs");
        Assert.That(actual.State, Is.EqualTo(expected.State), "final state");
    }

    // More threads than parts fit in 8 bits: the step used to sit 8 bits up in the claims word,
    // so part 8's bit was the step's lowest, claiming it moved the step on, and 9 or more
    // participants hung or raced (a 9-thread LSTM of 512 units never finished). 9 and 33 threads
    // (past the 32 parts a step splits into) on 512 units: 32 AVX2 panels, 16 AVX-512 ones.
    [TestCase(CpuSimd.Avx2, 9, 1)]
    [TestCase(CpuSimd.Avx2, 33, 9)]
    [TestCase(CpuSimd.Avx512, 9, 9)]
    public void ManyThreadsGiveTheOneThreadOutputs(CpuSimd simd, int threads, int batch)
    {
        const int units = 512;
        var many = new CpuBackend(threads, simd);
        using (var packed = many.PackGemmB(true, 4 * units, units, many.Zeros(new[] { 4 * units, units }), 0, units))
        {
            Assert.That(many.CanRunSequence(packed, batch, units, 4), Is.True, "the region path is not taken");
        }

        var expected = LstmAndGruOutputs(new CpuBackend(1, simd), units, batch, 6);
        var actual = LstmAndGruOutputs(many, units, batch, 6);
        Assert.That(actual[0], Is.EqualTo(expected[0]), "LSTM");
        Assert.That(actual[1], Is.EqualTo(expected[1]), "GRU");
    }

    // A batch past the few-row GEMM projects its inputs inside the steps
    // (CpuBackend.LstmSequenceForwardProjecting), writing the output sequence and, when training,
    // the activated gates the backward pass reads: gradients equal to the per-step path's.
    [TestCase(CpuSimd.Avx512)]
    [TestCase(CpuSimd.Avx2)]
    public void StepsThatProjectTheirInputsTrainAsTheSeparateProjection(CpuSimd simd)
    {
        int[] lengths = { 12, 3, 12, 7, 1, 12, 9 };
        var two = new CpuBackend(2, simd);
        using (var packed = two.PackGemmB(true, 4 * Hidden, 40, two.Zeros(new[] { 4 * Hidden, 40 }), 0, 40))
        {
            Assert.That(two.CanProjectInSteps(packed, lengths.Length, Hidden, 4), Is.True, "the steps do not project");
        }

        float[][] Grads(CpuBackend be)
        {
            var cell = new LstmCell(40, Hidden, new Rng(3), be);
            var layer = new RnnLayer(cell, new RnnOptions { ReturnSequences = true });
            var x = Input(be, lengths.Length, 12, 40);
            x.RequiresGrad = true;
            using var tape = Rnn.Core.Autograd.Tape.Begin();
            var y = layer.Forward(x, lengths: lengths).Output;   // [batch, time, hidden]
            var rng = new Rng(8);
            var dy = be.FromArray(Enumerable.Range(0, y.Length).Select(_ => rng.Uniform(-1f, 1f)).ToArray(), y.Shape);
            tape.Backward(y, dy);
            return new[] { y.ToArray(), x.Grad!.ToArray(), cell.WeightIh.Value.Grad!.ToArray(),
                cell.WeightHh.Value.Grad!.ToArray(), cell.Bias.Value.Grad!.ToArray() };
        }

        var expected = Grads(new CpuBackend(1, simd));
        var actual = Grads(two);
        string[] names = { "output", "dx", "dW_ih", "dW_hh", "dbias" };
        for (int i = 0; i < names.Length; i++)
        {
            Assert.That(actual[i], Is.EqualTo(expected[i]), names[i]);
        }
    }

    // A sequence that projects its inputs runs in stages: the input GEMM of step t (in column
    // chunks of each part's units, any participant taking any chunk) one stage before the
    // recurrent GEMM and gates of step t. One and two steps (a stage of input tasks alone, then
    // one of parts alone), more parts than a part has panel groups for its chunks (7 threads on
    // 12 groups: empty chunks), and a batch past one packed row block (130 rows on AVX2: each
    // chunk packs its own x rows): outputs, final states and, training, the gradients, all equal
    // to the one-thread path's.
    [TestCase(CpuSimd.Avx2, 2, 9, 1, false)]
    [TestCase(CpuSimd.Avx2, 2, 9, 2, false)]
    [TestCase(CpuSimd.Avx2, 7, 9, 5, false)]
    [TestCase(CpuSimd.Avx2, 7, 9, 5, true)]
    [TestCase(CpuSimd.Avx2, 2, 130, 4, false)]
    [TestCase(CpuSimd.Avx2, 3, 130, 3, true)]
    [TestCase(CpuSimd.Avx512, 3, 9, 3, false)]
    public void ProjectingStagesGiveTheOneThreadResults(
        CpuSimd simd, int threads, int batch, int time, bool train)
    {
        var many = new CpuBackend(threads, simd);
        var wSource = many.Zeros(new[] { 4 * Hidden, 40 });
        var uSource = many.Zeros(new[] { 4 * Hidden, Hidden });
        using (var w = many.PackGemmB(true, 4 * Hidden, 40, wSource, 0, 40))
        using (var u = many.PackGemmB(true, 4 * Hidden, Hidden, uSource, 0, Hidden))
        {
            Assert.That(many.CanRunSequence(u, batch, Hidden, 4), Is.True, "no region");
            Assert.That(many.CanProjectInSteps(w, batch, Hidden, 4), Is.True, "no projecting steps");
        }

        float[][] Results(CpuBackend be)
        {
            var cell = new LstmCell(40, Hidden, new Rng(3), be);
            var layer = new RnnLayer(cell, new RnnOptions { ReturnSequences = true });
            var x = Input(be, batch, time, 40);
            if (!train)
            {
                var r = layer.Forward(x);
                return new[] { r.Output.ToArray(), r.States[0].ToArray(), r.States[1].ToArray() };
            }

            x.RequiresGrad = true;
            using var tape = Rnn.Core.Autograd.Tape.Begin();
            var y = layer.Forward(x).Output;
            var rng = new Rng(8);
            var dy = Enumerable.Range(0, y.Length).Select(_ => rng.Uniform(-1f, 1f)).ToArray();
            tape.Backward(y, be.FromArray(dy, y.Shape));
            return new[] { y.ToArray(), x.Grad!.ToArray(), cell.WeightIh.Value.Grad!.ToArray(),
                cell.WeightHh.Value.Grad!.ToArray() };
        }

        var expected = Results(new CpuBackend(1, simd));
        var actual = Results(many);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.That(actual[i], Is.EqualTo(expected[i]), $"result {i}");
        }
    }

    // Without the output sequence (the last step's h only), the steps that project their inputs
    // write no sequence: the same last output and states as the per-step path. Inference keeps
    // two state slots used in turn, so an odd number of steps ends in the other one.
    [TestCase(CpuSimd.Avx512, 12)]
    [TestCase(CpuSimd.Avx2, 12)]
    [TestCase(CpuSimd.Avx512, 13)]
    public void StepsThatProjectTheirInputsGiveTheLastOutputAlone(CpuSimd simd, int time)
    {
        int[] lengths = { time, 3, 12, 7, 1, time, 9 };
        float[][] Last(CpuBackend be)
        {
            var cell = new LstmCell(40, Hidden, new Rng(3), be);
            var layer = new RnnLayer(cell, new RnnOptions { ReturnSequences = false });
            var result = layer.Forward(Input(be, lengths.Length, time, 40), lengths: lengths);
            return new[] { result.Output.ToArray(), result.States[0].ToArray(), result.States[1].ToArray() };
        }

        var expected = Last(new CpuBackend(1, simd));
        var actual = Last(new CpuBackend(2, simd));
        Assert.That(actual[0], Is.EqualTo(expected[0]), "last output");
        Assert.That(actual[1], Is.EqualTo(expected[1]), "h");
        Assert.That(actual[2], Is.EqualTo(expected[2]), "c");
    }

    // A layer going backwards (each sample's valid steps reversed, as in Bidirectional) projects
    // the reversed inputs and writes its outputs in the per-step path's order.
    [Test]
    public void StepsThatProjectTheirInputsGoBackwardsAsTheSeparateProjection()
    {
        int[] lengths = { 12, 3, 12, 7, 1, 12, 9 };
        float[][] Run(CpuBackend be)
        {
            var forward = new LstmCell(40, Hidden, new Rng(3), be);
            var backward = new LstmCell(40, Hidden, new Rng(4), be);
            var bi = new Bidirectional(forward, backward, new RnnOptions { ReturnSequences = true });
            var result = bi.Forward(Input(be, lengths.Length, 12, 40), lengths: lengths);
            return new[] { result.Output.ToArray(), result.States[2].ToArray() };
        }

        var expected = Run(new CpuBackend(1, CpuSimd.Avx512));
        var actual = Run(new CpuBackend(2, CpuSimd.Avx512));
        Assert.That(actual[0], Is.EqualTo(expected[0]), "outputs of both directions");
        Assert.That(actual[1], Is.EqualTo(expected[1]), "the backward layer's final h");
    }

    // Several threads run regions at once on a 2-core machine, so helpers come late or not at
    // all: every sequence must still finish, with the same result.
    [Test]
    public void ConcurrentRegionsFinishWithTheSameResult()
    {
        var expected = Run(new Lstm(), new CpuBackend(1), 25, null).Output;
        var failures = 0;
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            var be = new CpuBackend(2);
            for (int i = 0; i < 15; i++)
            {
                if (!Run(new Lstm(), be, 25, null).Output.SequenceEqual(expected))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }) { IsBackground = true }).ToArray();
        foreach (var t in threads)
        {
            t.Start();
        }

        foreach (var t in threads)
        {
            Assert.That(t.Join(TimeSpan.FromSeconds(120)), Is.True, "a sequence region never finished");
        }

        Assert.That(failures, Is.Zero);
    }

    // The split of a step's units follows the parts' measured speeds: equal speeds keep it even,
    // a part three times slower a group ends with a quarter of the groups, a much slower one
    // keeps one group, and a part not timed yet (no rate) leaves the split alone.
    [Test]
    public void TheSplitFollowsThePartsSpeeds()
    {
        int[] Settle(int groups, double[] costs, int steps = 40)
        {
            int parts = costs.Length;
            var bounds = Enumerable.Range(0, parts + 1).Select(i => groups * i / parts).ToArray();
            var rates = new double[parts];
            var ticks = new long[parts];
            for (int step = 0; step < steps; step++)
            {
                for (int i = 0; i < parts; i++)
                {
                    ticks[i] = (long)((bounds[i + 1] - bounds[i]) * costs[i] * 1000);
                }

                CpuBackend.RebalanceSplit(bounds, ticks, rates);
            }

            return bounds;
        }

        Assert.That(Settle(32, new[] { 1.0, 1.0 }), Is.EqualTo(new[] { 0, 16, 32 }));
        Assert.That(Settle(32, new[] { 3.0, 1.0 }), Is.EqualTo(new[] { 0, 8, 32 }));
        Assert.That(Settle(16, new[] { 1.0, 2.0, 2.0 }), Is.EqualTo(new[] { 0, 8, 12, 16 }));
        Assert.That(Settle(4, new[] { 1.0, 1000.0, 1000.0, 1.0 }), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
        Assert.That(Settle(8, new[] { 1000.0, 1.0 }), Is.EqualTo(new[] { 0, 1, 8 }));

        int[] split = { 0, 16, 32 };
        CpuBackend.RebalanceSplit(split, new long[] { 5000, 0 }, new double[2]);
        Assert.That(split, Is.EqualTo(new[] { 0, 16, 32 }), "moved on one part's time alone");
    }

    // With part 0 timed five times slower than it ran, the split moves within the sequence
    // (after the first step, part 0 keeps about a sixth of the units): the outputs are still the
    // one-thread ones, bit for bit.
    [TestCase(CpuSimd.Avx2)]
    [TestCase(CpuSimd.Avx512)]
    public void AMovingSplitGivesTheOneThreadOutputs(CpuSimd simd)
    {
        var expected = LstmAndGruOutputs(new CpuBackend(1, simd), 512, 9, 12);
        CpuBackend.PartZeroTickFactor = 5;
        try
        {
            var actual = LstmAndGruOutputs(new CpuBackend(2, simd), 512, 9, 12);
            Assert.That(actual[0], Is.EqualTo(expected[0]), "LSTM");
            Assert.That(actual[1], Is.EqualTo(expected[1]), "GRU");
        }
        finally
        {
            CpuBackend.PartZeroTickFactor = 1;
        }
    }

    [Test]
    public void ASequenceTooLongForItsBuffersIsRefusedBeforeAnyStep()
    {
        var be = new CpuBackend(2);
        using var packed = be.PackGemmB(true, 4 * Hidden, Hidden, be.Zeros(new[] { 4 * Hidden, Hidden }), 0, Hidden);
        var hs = be.Zeros(new[] { 5 * Hidden });   // slots for 4 steps
        var cs = be.Zeros(new[] { 5 * Hidden });
        var gates = be.Zeros(new[] { 5 * 4 * Hidden });
        var ex = Assert.Throws<ArgumentException>(
            () => be.LstmSequenceForward(5, 1, Hidden, packed, hs, gates, cs, null));
        Assert.That(ex!.Message, Does.Contain("5-step"));
        Assert.That(hs.ToArray().All(v => v == 0f), Is.True, "a step ran before the check");
    }
}
