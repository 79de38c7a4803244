using Pipelines.Speech.Data;
using Pipelines.Speech.Features;
using Pipelines.Speech.Model;
using Pipelines.Speech.Training;

namespace Pipelines.Speech.Tests.Training;

public sealed class DigitsRecipeTests
{
    [Test]
    public void FirstSpeakersKeepsOnlyTheSpeakersAndTakesAskedFor()
    {
        // A shared folder left by a run of 5 speakers x 3 takes; this run asks for 2 x 2.
        var clips = new List<FsddClip>();
        for (int s = 0; s < 5; s++)
            for (int take = 0; take < 3; take++)
                for (int digit = 0; digit < 10; digit++)
                    clips.Add(new FsddClip(digit, EspeakDigits.SpeakerName(s), take, $"{digit}_{s}_{take}.wav"));

        var kept = DigitsRecipe.FirstSpeakers(clips, 2, 2, EspeakDigits.SpeakerName);

        Assert.That(kept, Has.Count.EqualTo(2 * 2 * 10));
        Assert.That(kept.Select(c => c.Speaker).Distinct(),
            Is.EquivalentTo(new[] { EspeakDigits.SpeakerName(0), EspeakDigits.SpeakerName(1) }));
        Assert.That(kept.All(c => c.Index < 2));
        Assert.That(kept, Is.EqualTo(clips.Where(kept.Contains)), "the folder's order is kept");
        Assert.That(DigitsRecipe.FirstSpeakers(clips, 5, 3, EspeakDigits.SpeakerName), Is.EqualTo(clips));
    }

    [Test]
    public void TrainingStatsArePooledOverEveryFrameOfEveryUtterance()
    {
        // Utterances of different lengths and levels: pooled stats are not the mean of per-utterance stats.
        var features = new AcousticFeatures { SampleRate = 8000, MelBands = 20, Mfcc = 13 };
        var rng = new Rnn.Core.Rng(5);
        var utterances = Enumerable.Range(0, 7).Select(u =>
        {
            var samples = new float[800 * (u + 1)];
            for (int i = 0; i < samples.Length; i++)
                samples[i] = (float)((0.01 + 0.1 * u) * (Math.Sin(i * (0.3 + 0.2 * u)) + 0.3 * rng.Normal()));
            return new SpeechUtterance(samples, 8000, "one");
        }).ToList();

        var stats = DigitsRecipe.TrainingStats(utterances, features with { Normalization = NormalizationMode.Global });

        var raw = features with { Normalization = NormalizationMode.None };
        var extractor = raw.CreateExtractor();
        var frames = utterances.Select(u => raw.Compute(extractor, u.Samples)).ToList();
        long count = frames.Sum(m => (long)m.Frames);
        Assert.That(stats.Frames, Is.EqualTo(count));
        for (int f = 0; f < features.FeatureCount; f++)
        {
            double mean = frames.Sum(m => Enumerable.Range(0, m.Frames).Sum(t => (double)m.Row(t)[f])) / count;
            double variance = frames.Sum(m => Enumerable.Range(0, m.Frames)
                .Sum(t => Math.Pow(m.Row(t)[f] - mean, 2))) / count;
            double tolerance = 1e-3 * Math.Max(1, Math.Abs(mean));
            Assert.That(stats.Mean[f], Is.EqualTo(mean).Within(tolerance), $"mean of {f}");
            double std = Math.Sqrt(variance);
            Assert.That(stats.Std[f], Is.EqualTo(std).Within(1e-3 * std), $"std of {f}");
        }
    }

    [Test]
    public void AccumulatorsMergeToTheSumOfTheirFrames()
    {
        var a = new NormalizationStats.Accumulator(2);
        var b = new NormalizationStats.Accumulator(2);
        var whole = new NormalizationStats.Accumulator(2);
        var first = new FeatureMatrix(2, 2, [1f, 10f, 3f, 30f]);
        var second = new FeatureMatrix(1, 2, [8f, -5f]);
        a.Add(first);
        b.Add(second);
        whole.Add(first);
        whole.Add(second);

        a.Merge(b);

        var merged = a.Finish();
        var expected = whole.Finish();
        Assert.That(merged.Frames, Is.EqualTo(3));
        Assert.That(merged.Mean, Is.EqualTo(expected.Mean));
        Assert.That(merged.Std, Is.EqualTo(expected.Std));
        Assert.That(() => a.Merge(new NormalizationStats.Accumulator(3)), Throws.ArgumentException);
    }
}
