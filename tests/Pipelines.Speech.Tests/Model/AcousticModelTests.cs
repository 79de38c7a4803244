using Pipelines.Speech.Features;
using Pipelines.Speech.Model;
using Pipelines.Speech.Tests.Training;
using Rnn.Core;
using Rnn.Core.Autograd;

namespace Pipelines.Speech.Tests.Model;

public sealed class AcousticModelTests
{
    [TestCase(FrontEndKind.Conv, 37, 10)]
    [TestCase(FrontEndKind.Conv, 8, 2)]
    [TestCase(FrontEndKind.Stack, 37, 19)]
    [TestCase(FrontEndKind.None, 37, 37)]
    public void OutputLengthFollowsTheSubsampling(FrontEndKind frontEnd, int frames, int expected)
    {
        var config = ToneDigits.TinyConfig(frontEnd);
        Assert.That(config.OutputLength(frames), Is.EqualTo(expected));
        var model = new AcousticModel(config, new Rng(1));
        var x = new Rng(2).Normal(Backends.Default, 1f, 1, frames, 16);   // [1, time, mels]
        var fwd = model.Forward(x, new[] { frames });
        Assert.That(fwd.Logits.ShapeArray, Is.EqualTo(new[] { 1, expected, 4 }));
        Assert.That(fwd.Lengths, Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void CopyWeightsFromTakesMatchingLayersAndTheOutputRowsOfTokensBothVocabulariesHave()
    {
        var source = new AcousticModel(ToneDigits.TinyConfig(FrontEndKind.Conv), new Rng(5));   // _, a, b, c
        var wider = ToneDigits.TinyConfig(FrontEndKind.Conv) with
        {
            Vocabulary = new AcousticVocabulary(new[] { "_", "d", "c", "b", "a", "e" }),
        };
        var target = new AcousticModel(wider, new Rng(6));
        var before = Values(target);

        var transfer = target.CopyWeightsFrom(source);

        var theirs = Values(source);
        Assert.That(transfer.TokensKept, Is.EqualTo(4));
        Assert.That(transfer.Tokens, Is.EqualTo(6));
        Assert.That(transfer.Copied, Does.Contain("conv1.weight").And.Not.Contain("output.weight"));
        foreach (var (path, parameter) in target.NamedParameters().Where(p => !p.Path.StartsWith("output.")))
        {
            Assert.That(parameter.Value.ToArray(), Is.EqualTo(theirs[path]), path);
        }

        // Rows by token name: target row 2 is "c", source row 3; "d" and "e" keep their own.
        int width = target.NamedParameters().Single(p => p.Path == "output.weight").Parameter.Shape[1];
        float[] Row(Dictionary<string, float[]> values, int row) =>
            values["output.weight"].Skip(row * width).Take(width).ToArray();
        var after = Values(target);
        Assert.That(Row(after, 0), Is.EqualTo(Row(theirs, 0)), "blank");
        Assert.That(Row(after, 2), Is.EqualTo(Row(theirs, 3)), "c");
        Assert.That(Row(after, 4), Is.EqualTo(Row(theirs, 1)), "a");
        Assert.That(Row(after, 1), Is.EqualTo(Row(before, 1)), "d is new");
        Assert.That(Row(after, 5), Is.EqualTo(Row(before, 5)), "e is new");
        Assert.That(after["output.bias"][3], Is.EqualTo(theirs["output.bias"][2]), "b's bias");
    }

    [Test]
    public void CopyWeightsFromOverTheSameTokensCopiesEverything()
    {
        var source = new AcousticModel(ToneDigits.TinyConfig(FrontEndKind.Conv), new Rng(5));
        var same = new AcousticModel(ToneDigits.TinyConfig(FrontEndKind.Conv), new Rng(6));

        var transfer = same.CopyWeightsFrom(source);

        Assert.That(transfer.Copied, Is.EquivalentTo(source.NamedParameters().Select(p => p.Path)));
        Assert.That(transfer.TokensKept, Is.EqualTo(transfer.Tokens));
        Assert.That(Values(same), Is.EqualTo(Values(source)));
    }

    private static Dictionary<string, float[]> Values(AcousticModel model) =>
        model.NamedParameters().ToDictionary(p => p.Path, p => p.Parameter.Value.ToArray());

    [TestCase(FrontEndKind.Conv)]
    [TestCase(FrontEndKind.Stack)]
    public void PaddingInABatchDoesNotChangeAShortSamplesOutput(FrontEndKind frontEnd)
    {
        var config = ToneDigits.TinyConfig(frontEnd) with { Layers = 2 };
        var model = new AcousticModel(config, new Rng(3));
        model.Eval();
        var rng = new Rng(4);
        var shortOne = Random(rng, 13);
        var longOne = Random(rng, 30);
        using var _ = Tape.NoGrad();
        float[] alone = model.Forward(Tensor.FromArray(shortOne, 1, 13, 16), new[] { 13 }).Logits.ToArray();

        var padded = new float[2 * 30 * 16];                 // [2, 30, mels]: long sample, then short + zeros
        longOne.CopyTo(padded, 0);
        shortOne.CopyTo(padded, 30 * 16);
        var fwd = model.Forward(Tensor.FromArray(padded, 2, 30, 16), new[] { 30, 13 });
        int t = fwd.Lengths[1], time = fwd.Logits.Dim(1);
        Assert.That(t, Is.EqualTo(config.OutputLength(13)));
        float[] batched = fwd.Logits.ToArray().AsSpan(time * 4, t * 4).ToArray();
        // Zero padding is what the lone sample's convolution pads with too, so only float noise differs.
        Assert.That(batched, Is.EqualTo(alone).Within(1e-4f));
    }

    [Test]
    public void InferGivesNormalisedLogProbsAndTheFrameDuration()
    {
        var config = ToneDigits.TinyConfig(FrontEndKind.Conv);
        var model = new AcousticModel(config, new Rng(5));
        var samples = ToneDigits.Utterance(new Rng(6)).Samples;
        var raw = config.Features.CreateExtractor().Compute(samples);
        var output = model.Infer(raw);

        Assert.That(output.Frames, Is.EqualTo(config.OutputLength(raw.Frames)));
        Assert.That(output.Vocab, Is.EqualTo(4));
        Assert.That(output.FrameSeconds, Is.EqualTo(0.04).Within(1e-12));
        for (int f = 0; f < output.Frames; f++)
        {
            double sum = 0;
            foreach (float lp in output.Frame(f)) sum += Math.Exp(lp);
            Assert.That(sum, Is.EqualTo(1).Within(1e-4), $"frame {f}");
        }

        Assert.That(model.Training, Is.True, "Infer restores the training flag");
        Assert.That(model.Infer(new FeatureMatrix(0, 16, [])).Frames, Is.Zero);
    }

    [Test]
    public void RejectsWrongFeatureCountAndBadLengths()
    {
        var model = new AcousticModel(ToneDigits.TinyConfig(), new Rng(1));
        var ex = Assert.Throws<ArgumentException>(() => model.Forward(Tensor.Zeros(1, 10, 15), new[] { 10 }));
        Assert.That(ex!.Message, Does.Contain("[batch, time, 16]"));
        ex = Assert.Throws<ArgumentException>(() => model.Forward(Tensor.Zeros(2, 10, 16), new[] { 10, 11 }));
        Assert.That(ex!.Message, Does.Contain("got 11"));
        ex = Assert.Throws<ArgumentException>(() => model.Forward(Tensor.Zeros(2, 10, 16), new[] { 10 }));
        Assert.That(ex!.Message, Does.Contain("expected 2 lengths"));
    }

    [Test]
    public void LstmAndUnidirectionalLayersBuildWithTheRightWidths()
    {
        var config = ToneDigits.TinyConfig() with { Cell = RecurrentCellKind.Lstm, Bidirectional = false, Layers = 2 };
        var model = new AcousticModel(config, new Rng(1));
        var names = model.NamedParameters().Select(p => p.Path).ToArray();
        Assert.That(names, Has.Some.StartsWith("rnn.1."));
        Assert.That(names, Has.None.Contains("backward"));
        var output = model.NamedParameters().Single(p => p.Path == "output.weight").Parameter;
        Assert.That(output.Shape.ToArray(), Is.EqualTo(new[] { 4, 20 }));
    }

    private static float[] Random(Rng rng, int frames) =>
        Enumerable.Range(0, frames * 16).Select(_ => rng.Normal()).ToArray();
}
