using Pipelines.Speech.Features;
using Pipelines.Speech.Model;
using Pipelines.Speech.Tests.Support;
using Pipelines.Speech.Training;
using Rnn.Core;

namespace Pipelines.Speech.Tests.Training;

public sealed class BucketedBatchSourceTests
{
    private static IReadOnlyList<SpeechExample> Examples(int count)
    {
        var rng = new Rng(1);
        return Enumerable.Range(0, count).Select(i =>
        {
            int frames = rng.NextInt(5, 200);
            var features = new FeatureMatrix(frames, 3, Enumerable.Repeat(1f, frames * 3).ToArray());
            return new SpeechExample(features, new[] { 1 + i % 5 });
        }).ToArray();
    }

    [Test]
    public void EachEpochUsesEveryExampleOnceInLengthSortedBatches()
    {
        var examples = Examples(203);
        var source = new BucketedBatchSource(examples, batchSize: 8, seed: 3);
        Assert.That(source.BatchesPerEpoch, Is.EqualTo(26));
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var all = Enumerable.Range(0, source.BatchesPerEpoch).SelectMany(b => source.Indices(epoch, b)).ToArray();
            Assert.That(all.Order(), Is.EqualTo(Enumerable.Range(0, 203)));
        }

        // Bucketing keeps padding well below what random batches would need.
        double padding = 0;
        for (int b = 0; b < source.BatchesPerEpoch; b++)
        {
            var frames = source.Indices(0, b).Select(i => examples[i].Features.Frames).ToArray();
            padding += frames.Sum(f => frames.Max() - f);
        }

        double total = examples.Sum(e => e.Features.Frames);
        Assert.That(padding / total, Is.LessThan(0.1));
        Assert.That(source.Indices(1, 0), Is.Not.EqualTo(source.Indices(0, 0)), "epochs are shuffled differently");
    }

    [Test]
    public void SameEpochAndIndexGiveTheSameMaskedBatch()
    {
        var examples = Examples(20);
        var augment = new SpecAugment { MaxTimeWidth = 5, MaxFrequencyWidth = 1 };
        var a = new BucketedBatchSource(examples, 4, seed: 9, augment);
        var b = new BucketedBatchSource(examples, 4, seed: 9, augment);
        _ = a.GetBatch(1, 2);   // visiting another epoch first changes nothing
        var x = a.GetBatch(0, 3);
        var y = b.GetBatch(0, 3);
        Assert.That(x.Features.ToArray(), Is.EqualTo(y.Features.ToArray()));
        Assert.That(x.Lengths, Is.EqualTo(y.Lengths));
        Assert.That(x.Features.ToArray(), Has.Some.EqualTo(0f), "masks were applied");
        Assert.That(x.Features.Dim(1), Is.EqualTo(x.Lengths.Max()));
    }

    [Test]
    public void VtlpRemakesFeaturesFromWarpedBandsAndRepeatsWithTheSeed()
    {
        var features = new AcousticFeatures { SampleRate = 8000, MelBands = 40, Mfcc = 20 };
        var mel = features.CreateExtractor();
        var examples = Enumerable.Range(0, 8).Select(i =>
        {
            // A tone in noise: frames differ, so the normalised features are not all zero.
            float[] noise = Signals.Noise(2400, 0.05, seed: i);
            float[] x = Signals.Sine(300 + 150 * i, 8000, 0.3).Zip(noise, (a, b) => a + b).ToArray();
            var bands = mel.ComputeBands(x);
            return new SpeechExample(features.FromBands(mel, bands), new[] { 1 + i % 5 }, bands);
        }).ToArray();
        var vtlp = new VocalTractPerturbation { MaxWarp = 0.1 };
        var a = new BucketedBatchSource(examples, 4, seed: 9, augment: null, vtlp, features);
        var b = new BucketedBatchSource(examples, 4, seed: 9, augment: null, vtlp, features);
        var plain = new BucketedBatchSource(examples, 4, seed: 9);

        var x = a.GetBatch(0, 1);
        Assert.That(x.Features.ToArray(), Is.EqualTo(b.GetBatch(0, 1).Features.ToArray()));
        Assert.That(x.Lengths, Is.EqualTo(plain.GetBatch(0, 1).Lengths));
        float[] warped = x.Features.ToArray(), unwarped = plain.GetBatch(0, 1).Features.ToArray();
        Assert.That(warped.Any(v => v != 0), Is.True, "features are not all zero");
        Assert.That(warped.SequenceEqual(unwarped), Is.False, "the batch was warped");
        Assert.That(x.Features.Dim(2), Is.EqualTo(20), "the model still reads 20 MFCCs");
    }

    [Test]
    public void VtlpWithoutBandsNamesTheExampleAndTheFix()
    {
        var features = new AcousticFeatures { SampleRate = 8000, MelBands = 40, Mfcc = 20 };
        var ex = Assert.Throws<ArgumentException>(() => new BucketedBatchSource(
            Examples(3), 2, seed: 1, augment: null, new VocalTractPerturbation(), features));
        Assert.That(ex!.Message, Does.Contain("training example 0").And.Contain("no log-mel bands"));
    }
}
