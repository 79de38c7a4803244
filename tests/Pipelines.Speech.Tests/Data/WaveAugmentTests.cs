using Pipelines.Speech.Data;
using Pipelines.Speech.Tests.Support;
using Rnn.Core;

namespace Pipelines.Speech.Tests.Data;

public sealed class WaveAugmentTests
{
    [Test]
    public void BiquadLowPassKeepsLowTonesAndCutsHighOnes()
    {
        const int rate = 8000;
        float[] low = Signals.Sine(300, rate, 0.5), high = Signals.Sine(3500, rate, 0.5);
        var filter = Biquad.LowPass(1000, 0.707, rate);
        filter.Apply(low);
        filter.Apply(high);
        // A second-order low-pass at 1 kHz: ~0 dB at 300 Hz, about -22 dB at 3.5 kHz (3.5 octaves up
        // at 12 dB/octave, less near Nyquist where the bilinear transform bends the curve down further).
        Assert.That(Signals.ToneAmplitude(low.AsSpan(2000), 300, rate), Is.EqualTo(0.5).Within(0.03));
        Assert.That(Signals.ToneAmplitude(high.AsSpan(2000), 3500, rate), Is.LessThan(0.5 * 0.1));
    }

    [Test]
    public void PeakingEqBoostsItsCentreByTheGain()
    {
        const int rate = 8000;
        float[] tone = Signals.Sine(1000, rate, 0.5, 0.1);
        Biquad.Peaking(1000, 1, 6, rate).Apply(tone);
        Assert.That(Signals.ToneAmplitude(tone.AsSpan(2000), 1000, rate),
            Is.EqualTo(0.1 * Math.Pow(10, 6 / 20.0)).Within(0.005));
    }

    [Test]
    public void ApplyIsSeededKeepsLengthAndStaysInRange()
    {
        float[] voice = Signals.Sine(200, 8000, 0.25, 0.9);
        var every = new WaveAugment
        {
            EqProbability = 1, HighPassProbability = 1, LowPassProbability = 1, ReverbProbability = 1,
            NoiseProbability = 1,
        };
        float[] a = every.Apply(voice, 8000, new Rng(5)), b = every.Apply(voice, 8000, new Rng(5));
        float[] c = every.Apply(voice, 8000, new Rng(6));
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(c));
        Assert.That(a, Has.Length.EqualTo(voice.Length));
        Assert.That(a.All(x => x >= -1 && x <= 1), Is.True);
        Assert.That(voice[100], Is.EqualTo(Signals.Sine(200, 8000, 0.25, 0.9)[100]), "the input is not changed");
        // Changed (filters shift its phase), but still mostly the tone: the spectral peak stays at 200 Hz.
        Assert.That(Signals.PeakFrequency(a, 8000, 100, 1000), Is.EqualTo(200).Within(10));
    }

    [Test]
    public void NoiseOnlyAugmentHitsTheDrawnSnrRange()
    {
        float[] voice = Signals.Sine(440, 8000, 1, 0.5);
        var noiseOnly = new WaveAugment
        {
            EqProbability = 0, HighPassProbability = 0, LowPassProbability = 0, ReverbProbability = 0,
            NoiseProbability = 1, MinSnrDb = 10,
        };
        float[] noisy = noiseOnly.Apply(voice, 8000, new Rng(9));
        double noise = Signals.Rms(noisy.Zip(voice, (x, y) => x - y).ToArray());
        double snr = 20 * Math.Log10(Signals.Rms(voice) / noise);
        Assert.That(snr, Is.InRange(9.9, 40.1));
    }

    [Test]
    public void GateZeroesQuietBlocksAndKeepsLoudOnes()
    {
        // 0.2 s of a loud tone, 0.2 s of the same tone 40 dB down, 0.2 s loud again: a gate drawn in
        // 25..35 dB below the peak closes on the quiet middle (its blocks are exact zeros) only.
        const int rate = 8000;
        float[] loud = Signals.Sine(300, rate, 0.2, 0.5), quiet = Signals.Sine(300, rate, 0.2, 0.005);
        float[] x = loud.Concat(quiet).Concat(loud).ToArray();
        var gate = new WaveAugment
        {
            EqProbability = 0, HighPassProbability = 0, LowPassProbability = 0, ReverbProbability = 0,
            NoiseProbability = 0, GateProbability = 1, MinGateDb = 25, MaxGateDb = 35,
        };
        float[] y = gate.Apply(x, rate, new Rng(2));
        Assert.That(y.AsSpan(1600, 1600).ToArray(), Is.All.EqualTo(0f), "the quiet stretch is gated");
        Assert.That(y.AsSpan(0, 1600).ToArray(), Is.EqualTo(loud), "loud blocks pass untouched");
        Assert.That(y.AsSpan(3200).ToArray(), Is.EqualTo(loud));
        Assert.That(new WaveAugment { GateProbability = 0 }.Apply(x, rate, new Rng(2)),
            Is.EqualTo(new WaveAugment().Apply(x, rate, new Rng(2))), "no gate by default");
    }
}
