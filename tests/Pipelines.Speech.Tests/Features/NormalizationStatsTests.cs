using Pipelines.Speech.Features;

namespace Pipelines.Speech.Tests.Features;

public sealed class NormalizationStatsTests
{
    private static FeatureMatrix Random(int frames, int features, int seed, float offset, float scale)
    {
        var rng = new Random(seed);
        var data = new float[frames * features];
        for (int i = 0; i < data.Length; i++)
            data[i] = offset + (i % features) + scale * (float)(rng.NextDouble() - 0.5);
        return new FeatureMatrix(frames, features, data);
    }

    [Test]
    public void PerUtteranceGivesZeroMeanUnitStdPerFeature()
    {
        FeatureMatrix m = FeatureNormalizer.PerUtterance(Random(200, 5, 1, -20, 6));
        for (int f = 0; f < 5; f++)
        {
            double[] col = Enumerable.Range(0, m.Frames).Select(t => (double)m[t, f]).ToArray();
            double mean = col.Average(), std = Math.Sqrt(col.Select(v => (v - mean) * (v - mean)).Average());
            Assert.That(mean, Is.EqualTo(0).Within(1e-4), $"feature {f} mean");
            Assert.That(std, Is.EqualTo(1).Within(1e-3), $"feature {f} std");
        }
    }

    [Test]
    public void GlobalStatsOverUtterancesEqualStatsOfTheirConcatenation()
    {
        FeatureMatrix a = Random(50, 3, 1, 0, 2), b = Random(70, 3, 2, 5, 4);
        var acc = new NormalizationStats.Accumulator(3);
        acc.Add(a);
        acc.Add(b);
        NormalizationStats stats = acc.Finish();
        var joined = new FeatureMatrix(120, 3, [.. a.Data, .. b.Data]);
        FeatureMatrix n = FeatureNormalizer.PerUtterance(joined);
        FeatureMatrix g = stats.Apply(joined);
        Assert.That(stats.Frames, Is.EqualTo(120));
        Assert.That(g.Data, Is.EqualTo(n.Data).Within(1e-4));
    }

    [Test]
    public void StatsRoundTripThroughJson()
    {
        var acc = new NormalizationStats.Accumulator(4);
        acc.Add(Random(30, 4, 9, 1, 3));
        NormalizationStats stats = acc.Finish();
        string json = stats.ToJson();
        NormalizationStats back = NormalizationStats.FromJson(json);
        Assert.That(json, Does.Contain("\"mean\"").And.Contain("\"std\"").And.Contain("\"frames\": 30"));
        Assert.That(back.Mean, Is.EqualTo(stats.Mean));
        Assert.That(back.Std, Is.EqualTo(stats.Std));
    }

    [TestCase("not json", "not valid JSON")]
    [TestCase("{\"mean\": [1, 2], \"std\": [1], \"frames\": 3}", "must match")]
    [TestCase("{\"mean\": [1], \"std\": [0], \"frames\": 3}", "std > 0")]
    [TestCase("{\"frames\": 3}", "need 'mean' and 'std'")]
    public void BadJsonIsAFormatErrorSayingWhy(string json, string why)
    {
        Assert.That(() => NormalizationStats.FromJson(json),
            Throws.TypeOf<FormatException>().With.Message.Contain(why));
    }

    [Test]
    public void ConstantFeatureDoesNotDivideByZero()
    {
        var m = new FeatureMatrix(10, 1, Enumerable.Repeat(3f, 10).ToArray());
        Assert.That(FeatureNormalizer.PerUtterance(m).Data, Is.All.EqualTo(0f));
    }

    [Test]
    public void MismatchedFeatureCountIsRefused()
    {
        var stats = new NormalizationStats([0, 0], [1, 1], 1);
        Assert.That(() => stats.Apply(new FeatureMatrix(2, 3, new float[6])),
            Throws.ArgumentException.With.Message.Contain("3 values per frame"));
    }
}
