using Pipelines.Speech.Features;
using Pipelines.Speech.Tests.Support;

namespace Pipelines.Speech.Tests.Features;

public sealed class LogMelSpectrogramTests
{
    private static double HzToMel(double hz) => 1127 * Math.Log(1 + hz / 700); // HTK mel scale
    private static double MelToHz(double mel) => 700 * (Math.Exp(mel / 1127) - 1);

    [Test]
    public void FrameCountAndShapeFollowFrameAndHop()
    {
        var mel = new LogMelSpectrogram(new LogMelOptions { SampleRate = 16000, MelBands = 40 });
        FeatureMatrix m = mel.Compute(Signals.Sine(500, 16000, 1.0));
        // 1 + (16000 - 400) / 160 = 98 whole frames.
        Assert.That((m.Frames, m.Features), Is.EqualTo((98, 40)));
        Assert.That(mel.FrameCount(16000), Is.EqualTo(98));
        Assert.That(mel.Compute(new float[399]).Frames, Is.Zero);
    }

    [TestCase(300.0)]
    [TestCase(1000.0)]
    [TestCase(3000.0)]
    [TestCase(6000.0)]
    public void ASineLightsTheMelBandCentredOnIt(double hz)
    {
        var o = new LogMelOptions { SampleRate = 16000, MelBands = 40, MinFrequency = 0, MaxFrequency = 8000 };
        FeatureMatrix m = new LogMelSpectrogram(o).Compute(Signals.Sine(hz, 16000, 0.2));
        Span<float> row = m.Row(m.Frames / 2);
        int loudest = row.IndexOf(row.ToArray().Max());
        double lo = HzToMel(0), step = (HzToMel(8000) - lo) / (o.MelBands + 1);
        int nearest = Enumerable.Range(0, o.MelBands)
            .MinBy(k => Math.Abs(MelToHz(lo + (k + 1) * step) - hz));
        Assert.That(loudest, Is.EqualTo(nearest).Within(1), $"band centres: HTK mel, {o.MelBands} bands over 0..8 kHz");
    }

    [Test]
    public void FeaturesAreTheNaturalLogOfPower()
    {
        // Doubling the amplitude quadruples the power: every band the tone dominates rises by ln 4.
        var mel = new LogMelSpectrogram(new LogMelOptions { SampleRate = 16000, MelBands = 40 });
        FeatureMatrix a = mel.Compute(Signals.Sine(1000, 16000, 0.2, 0.2));
        FeatureMatrix b = mel.Compute(Signals.Sine(1000, 16000, 0.2, 0.4));
        Span<float> ra = a.Row(5), rb = b.Row(5);
        int band = ra.IndexOf(ra.ToArray().Max());
        Assert.That(rb[band] - ra[band], Is.EqualTo(Math.Log(4)).Within(1e-3));
    }

    [Test]
    public void SilenceGivesTheLogFloorNotMinusInfinity()
    {
        var mel = new LogMelSpectrogram(new LogMelOptions { SampleRate = 8000, MelBands = 23, LogFloor = 1e-6f });
        FeatureMatrix m = mel.Compute(new float[8000]);
        Assert.That(m.Data, Is.All.EqualTo(MathF.Log(1e-6f)).Within(1e-4));
    }

    [Test]
    public void MfccIsTheOrthonormalDctOfTheLogMelBands()
    {
        var baseOptions = new LogMelOptions { SampleRate = 16000, MelBands = 26 };
        float[] x = Signals.Noise(4000, 0.1, seed: 3);
        FeatureMatrix logMel = new LogMelSpectrogram(baseOptions).Compute(x);
        FeatureMatrix mfcc = new LogMelSpectrogram(baseOptions with { Mfcc = 13 }).Compute(x);
        Assert.That((mfcc.Frames, mfcc.Features), Is.EqualTo((logMel.Frames, 13)));
        int n = baseOptions.MelBands;
        for (int t = 0; t < mfcc.Frames; t += 7)
            for (int k = 0; k < 13; k++)
            {
                double c = 0;
                for (int j = 0; j < n; j++) c += logMel[t, j] * Math.Cos(Math.PI * k * (j + 0.5) / n);
                c *= k == 0 ? Math.Sqrt(1.0 / n) : Math.Sqrt(2.0 / n); // DCT-II, orthonormal
                Assert.That(mfcc[t, k], Is.EqualTo(c).Within(1e-3 * Math.Max(1, Math.Abs(c))), $"frame {t}, c{k}");
            }
    }

    [TestCase(0)]
    [TestCase(13)]
    public void FeaturesFromTheBandsEqualTheDirectFeatures(int mfcc)
    {
        var mel = new LogMelSpectrogram(new LogMelOptions { SampleRate = 8000, MelBands = 40, Mfcc = mfcc });
        float[] x = Signals.Noise(4000, 0.1, seed: 5);
        FeatureMatrix bands = mel.ComputeBands(x);
        Assert.That(bands.Features, Is.EqualTo(40));
        Assert.That(mel.FromBands(bands).Data, Is.EqualTo(mel.Compute(x).Data));
        Assert.That(() => mel.FromBands(new FeatureMatrix(1, 20, new float[20])),
            Throws.ArgumentException.With.Message.Contains("40 mel bands"));
    }

    [TestCase(0, 80, 0.0, 0.0, "SampleRate")]
    [TestCase(16000, 0, 0.0, 0.0, "MelBands")]
    [TestCase(16000, 80, 9000.0, 0.0, "MinFrequency")]
    [TestCase(16000, 80, 0.0, 9000.0, "MaxFrequency")]
    public void BadOptionsNameTheParameter(int rate, int mels, double fmin, double fmax, string name)
    {
        var o = new LogMelOptions { SampleRate = rate, MelBands = mels, MinFrequency = fmin, MaxFrequency = fmax };
        Assert.That(() => new LogMelSpectrogram(o),
            Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo(name));
    }
}
