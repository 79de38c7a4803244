using Pipelines.Speech.Features;
using Rnn.Core;

namespace Pipelines.Speech.Tests.Features;

public sealed class SpecAugmentTests
{
    private static FeatureMatrix Ones(int frames, int features) =>
        new(frames, features, Enumerable.Repeat(1f, frames * features).ToArray());

    [Test]
    public void SameSeedSameMasksOtherSeedOtherMasks()
    {
        var aug = new SpecAugment();
        FeatureMatrix m = Ones(200, 80);
        float[] a = aug.Apply(m, new Rng(7)).Data, b = aug.Apply(m, new Rng(7)).Data, c = aug.Apply(m, new Rng(8)).Data;
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(c));
        Assert.That(m.Data, Is.All.EqualTo(1f), "the input is not modified");
    }

    [Test]
    public void WarpMovesAPeakAlongTheFeatureAxisWithinTheFactorRange()
    {
        // One frame, a single peak at band 20 of 40; no masks, so only the warp acts.
        var aug = new SpecAugment { FrequencyMasks = 0, TimeMasks = 0, MaxWarp = 0.2 };
        var data = new float[40];
        data[20] = 1;
        var moved = new HashSet<int>();
        for (ulong seed = 0; seed < 30; seed++)
        {
            float[] row = aug.Apply(new FeatureMatrix(1, 40, data), new Rng(seed)).Data;
            int peak = Array.IndexOf(row, row.Max());
            Assert.That(peak, Is.InRange(16, 24), $"seed {seed}: band 20 warped by 0.8..1.2 lands in 16..24");
            moved.Add(peak);
        }

        Assert.That(moved.Count, Is.GreaterThan(3), "different seeds warp by different factors");
        Assert.That(new SpecAugment { FrequencyMasks = 0, TimeMasks = 0 }.Apply(new FeatureMatrix(1, 40, data),
            new Rng(1)).Data, Is.EqualTo(data), "MaxWarp 0 leaves the features alone");
    }

    [Test]
    public void MasksAreWholeBandsAndSpansWithinTheirWidthLimits()
    {
        var aug = new SpecAugment { FrequencyMasks = 1, MaxFrequencyWidth = 10, TimeMasks = 1, MaxTimeWidth = 30,
            MaxTimeFraction = 1.0, MaskValue = -5 };
        for (ulong seed = 0; seed < 20; seed++)
        {
            FeatureMatrix r = aug.Apply(Ones(100, 40), new Rng(seed));
            // A feature column is either fully masked (frequency mask) or masked exactly on the
            // frames of the time mask; a frame row likewise.
            bool[] fullCol = Enumerable.Range(0, 40)
                .Select(f => Enumerable.Range(0, 100).All(t => r[t, f] == -5)).ToArray();
            bool[] fullRow = Enumerable.Range(0, 100)
                .Select(t => Enumerable.Range(0, 40).All(f => r[t, f] == -5)).ToArray();
            Assert.That(fullCol.Count(x => x), Is.LessThanOrEqualTo(10));
            Assert.That(fullRow.Count(x => x), Is.LessThanOrEqualTo(30));
            for (int t = 0; t < 100; t++)
                for (int f = 0; f < 40; f++)
                    Assert.That(r[t, f], Is.EqualTo(fullCol[f] || fullRow[t] ? -5f : 1f), $"seed {seed} [{t},{f}]");
            Assert.That(Contiguous(fullCol) && Contiguous(fullRow), Is.True, $"seed {seed}: one contiguous mask each");
        }
    }

    [Test]
    public void TimeMaskIsCappedByTheFractionOfTheUtterance()
    {
        var aug = new SpecAugment { FrequencyMasks = 0, TimeMasks = 1, MaxTimeWidth = 1000, MaxTimeFraction = 0.1 };
        for (ulong seed = 0; seed < 30; seed++)
        {
            FeatureMatrix r = aug.Apply(Ones(50, 4), new Rng(seed));
            Assert.That(r.Data.Count(v => v == 0) / 4, Is.LessThanOrEqualTo(5), $"seed {seed}");
        }
    }

    [Test]
    public void ZeroMasksIsIdentity()
    {
        var aug = new SpecAugment { FrequencyMasks = 0, TimeMasks = 0 };
        Assert.That(aug.Apply(Ones(10, 3), new Rng(1)).Data, Is.All.EqualTo(1f));
    }

    private static bool Contiguous(bool[] xs)
    {
        int first = Array.IndexOf(xs, true), last = Array.LastIndexOf(xs, true);
        return first < 0 || xs[first..(last + 1)].All(x => x);
    }
}
