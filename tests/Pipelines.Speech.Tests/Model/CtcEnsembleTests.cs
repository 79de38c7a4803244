using Pipelines.Speech.Model;
using Pipelines.Speech.Tests.Support;
using Pipelines.Speech.Tests.Training;
using Rnn.Core;

namespace Pipelines.Speech.Tests.Model;

public sealed class CtcEnsembleTests
{
    private const double Frame = 0.04;

    [Test]
    public void CombineOfOneOutputWithItselfIsThatOutputUnderEveryRule()
    {
        var output = Spikes(frames: 6, leadIn: 0, (2, 1, 0.9), (4, 3, 0.7));
        foreach (var rule in Enum.GetValues<CtcCombination>())
        {
            var merged = CtcEnsemble.Combine([output, output], rule);
            Assert.That(merged.Frames, Is.EqualTo(6), rule.ToString());
            Assert.That(merged.LogProbs, Is.EqualTo(output.LogProbs).Within(1e-5), rule.ToString());
        }
    }

    [Test]
    public void MembersArePutInRegisterByTheirLeadIn()
    {
        // The same spike at audio frame 2; the second member heard 2 frames of padding first, so
        // its spike is at its own frame 4. Merged frame by frame without the lead-in they would
        // not meet and the mean would halve the spike on two different frames.
        var plain = Spikes(frames: 5, leadIn: 0, (2, 1, 0.9));
        var padded = Spikes(frames: 9, leadIn: 2, (4, 1, 0.9));
        var merged = CtcEnsemble.Combine([plain, padded], CtcCombination.MeanProbability);

        Assert.That(merged.LeadInFrames, Is.EqualTo(2));
        Assert.That(merged.Frames, Is.EqualTo(9), "the longest member: its 2 lead-in and 2 trailing frames");
        Assert.That(Math.Exp(merged.Frame(4)[1]), Is.EqualTo(0.9).Within(1e-5), "both spikes on one frame");
        Assert.That(Math.Exp(merged.Frame(2)[1]), Is.EqualTo(Math.Exp(padded.Frame(2)[1])).Within(1e-5),
            "a lead-in frame only the padded member has is that member's");
    }

    [Test]
    public void RulesMergeRowsAsDocumented()
    {
        var a = Spikes(frames: 1, leadIn: 0, (0, 1, 0.8));
        var b = Spikes(frames: 1, leadIn: 0, (0, 2, 0.6));
        double[] pa = Probabilities(a, 0), pb = Probabilities(b, 0);

        double[] Expected(Func<double, double, double> merge)
        {
            var raw = pa.Zip(pb, merge).ToArray();
            return raw.Select(v => v / raw.Sum()).ToArray();
        }

        Assert.Multiple(() =>
        {
            Assert.That(Probabilities(CtcEnsemble.Combine([a, b], CtcCombination.MeanProbability), 0),
                Is.EqualTo(Expected((x, y) => (x + y) / 2)).Within(1e-5));
            Assert.That(Probabilities(CtcEnsemble.Combine([a, b], CtcCombination.MeanLogProbability), 0),
                Is.EqualTo(Expected((x, y) => Math.Sqrt(x * y))).Within(1e-5));
            Assert.That(Probabilities(CtcEnsemble.Combine([a, b], CtcCombination.Max), 0),
                Is.EqualTo(Expected(Math.Max)).Within(1e-5));
        });
    }

    [Test]
    public void EnsembleOfPaddedViewsEqualsCombiningTheirOutputs()
    {
        var model = new AcousticModel(ToneDigits.TinyConfig(FrontEndKind.Conv), new Rng(11));
        using var native = new NativeCtcModel(model);
        var views = new[] { native.WithPadding(0), native.WithPadding(0.08), native.WithPadding(0.16) };
        using var ensemble = new CtcEnsemble(views, CtcCombination.MeanProbability);
        float[] samples = ToneDigits.Utterance(new Rng(12)).Samples;

        var merged = ensemble.Infer(samples);
        var expected = CtcEnsemble.Combine(views.Select(v => v.Infer(samples)).ToArray(),
            CtcCombination.MeanProbability);
        Assert.That(merged.LogProbs, Is.EqualTo(expected.LogProbs));
        Assert.That(merged.LeadInFrames, Is.EqualTo(4), "160 ms of 40 ms frames");
        Assert.That(views.Select(v => v.Infer(samples).LeadInFrames), Is.EqualTo(new[] { 0, 2, 4 }));
    }

    [Test]
    public void PaddedViewMatchesAModelConfiguredWithThatPadding()
    {
        var config = ToneDigits.TinyConfig(FrontEndKind.Conv);
        var model = new AcousticModel(config, new Rng(13));
        var padded = new AcousticModel(
            config with { Features = config.Features with { PadSeconds = 0.08 } }, new Rng(13));
        using var native = new NativeCtcModel(model);
        using var reference = new NativeCtcModel(padded);
        float[] samples = ToneDigits.Utterance(new Rng(14)).Samples;

        Assert.That(native.WithPadding(0.08).Infer(samples).LogProbs, Is.EqualTo(reference.Infer(samples).LogProbs));
        Assert.That(native.Infer(samples).LeadInFrames, Is.Zero, "the model itself keeps its own padding");
    }

    [Test]
    public void SpeedViewsHaveLongerFramesAndOnlyRescoringTakesThem()
    {
        var model = new AcousticModel(ToneDigits.TinyConfig(FrontEndKind.Conv), new Rng(17));
        using var native = new NativeCtcModel(model);
        var fast = native.WithPadding(0.08).WithSpeed(1.25);
        Assert.That(fast.PadSeconds, Is.EqualTo(0.08), "a speed view keeps its padding");
        float[] samples = ToneDigits.Utterance(new Rng(18)).Samples;

        var plain = native.Infer(samples);
        var heard = fast.Infer(samples);
        Assert.That(heard.FrameSeconds, Is.EqualTo(1.25 * plain.FrameSeconds).Within(1e-12),
            "each frame covers 1.25 frames' worth of the audio");
        Assert.That(heard.Frames - 2 * heard.LeadInFrames, Is.EqualTo(plain.Frames / 1.25).Within(2));

        using var rescoring = new CtcEnsemble([native, fast], CtcCombination.Rescore);
        var merged = rescoring.Infer(samples);
        Assert.That(merged.Members, Has.Count.EqualTo(2));
        Assert.That(merged.Frames, Is.EqualTo(plain.Frames), "frames for word times: the members in register only");
        Assert.That(merged.LogProbs, Is.EqualTo(plain.LogProbs).Within(1e-5));

        using var mixing = new CtcEnsemble([native, fast], CtcCombination.MeanProbability);
        var e = Assert.Throws<InvalidOperationException>(() => mixing.Infer(samples));
        Assert.That(e!.Message, Does.Contain("50.0 ms").And.Contain("Rescore"));
        Assert.Throws<ArgumentOutOfRangeException>(() => native.WithSpeed(3));
    }

    [Test]
    public void PaddedMembersAreHeardOnlyAtTheStartOfARecordingWhenAskedSo()
    {
        var model = new AcousticModel(ToneDigits.TinyConfig(FrontEndKind.Conv), new Rng(19));
        using var native = new NativeCtcModel(model);
        var plain = native.WithPadding(0);
        var padded = native.WithPadding(0.16);
        using var ensemble = new CtcEnsemble([plain, padded], CtcCombination.MeanProbability) { PadOnlyAtStart = true };
        float[] samples = ToneDigits.Utterance(new Rng(20)).Samples;

        var both = CtcEnsemble.Combine([plain.Infer(samples), padded.Infer(samples)], CtcCombination.MeanProbability);
        Assert.That(ensemble.Infer(samples, startsRecording: true).LogProbs, Is.EqualTo(both.LogProbs));
        Assert.That(ensemble.Infer(samples).LogProbs, Is.EqualTo(both.LogProbs), "without context: the start");
        Assert.That(ensemble.Infer(samples, startsRecording: false).LogProbs, Is.EqualTo(plain.Infer(samples).LogProbs),
            "inside a recording only the unpadded member");

        using var always = new CtcEnsemble([plain, padded], CtcCombination.MeanProbability);
        Assert.That(always.Infer(samples, startsRecording: false).LogProbs, Is.EqualTo(both.LogProbs));
    }

    [Test]
    public void PaddingOffTheFrameGridAndMismatchedMembersAreRefused()
    {
        var config = ToneDigits.TinyConfig(FrontEndKind.Conv);
        using var native = new NativeCtcModel(new AcousticModel(config, new Rng(15)));
        var grid = Assert.Throws<ArgumentException>(() => native.WithPadding(0.05));
        Assert.That(grid!.Message, Does.Contain("40 ms").And.Contain("50 ms"));

        var other = config with { Vocabulary = new AcousticVocabulary(["_", "x", "y", "z"]) };
        using var stranger = new NativeCtcModel(new AcousticModel(other, new Rng(16)));
        var vocab = Assert.Throws<ArgumentException>(() => new CtcEnsemble([native, stranger], CtcCombination.Max));
        Assert.That(vocab!.Message, Does.Contain("member 1"));
        Assert.Throws<ArgumentException>(() => new CtcEnsemble([], CtcCombination.Max));
    }

    // An output of `frames` rows (4 tokens, blank 0): each row is blank with 0.97 except the
    // given (frame, token, probability) spikes, the rest spread evenly.
    private static AcousticOutput Spikes(int frames, int leadIn, params (int Frame, int Token, double P)[] spikes)
    {
        const int vocab = 4;
        return new AcousticOutput(SpikeFrames.LogProbs(frames, vocab, 0.97, spikes), frames, vocab, Frame)
        {
            LeadInFrames = leadIn,
        };
    }

    private static double[] Probabilities(AcousticOutput output, int frame) =>
        output.Frame(frame).ToArray().Select(v => Math.Exp(v)).ToArray();
}
