using Pipelines.Speech.Audio;
using Pipelines.Speech.Tests.Support;

namespace Pipelines.Speech.Tests.Audio;

public sealed class SincResamplingSampleProviderTests
{
    private TempFiles temp = null!;

    [SetUp] public void SetUp() => temp = new TempFiles();
    [TearDown] public void TearDown() => temp.Dispose();

    private float[] Resample(float[] x, int from, int to)
    {
        var b = new WavBuilder { Tag = 3, Bits = 32, SampleRate = from };
        string path = temp.Write($"r{from}.wav", b.Build(WavBuilder.Encode(x, 3, 32)));
        return AudioReader.ReadAll(path, new AudioReadOptions { TargetSampleRate = to });
    }

    [TestCase(8000, 440.0)]
    [TestCase(8000, 3800.0)]
    [TestCase(44100, 1000.0)]
    [TestCase(44100, 7000.0)]
    public void SineKeepsItsFrequencyAmplitudeAndLength(int from, double hz)
    {
        float[] y = Resample(Signals.Sine(hz, from, 1.0, 0.5), from, 16000);
        Assert.That(y, Has.Length.EqualTo(16000).Within(64));
        float[] middle = y[4000..12000]; // away from the filter's start-up and tail
        Assert.Multiple(() =>
        {
            Assert.That(Signals.PeakFrequency(middle, 16000, hz - 20, hz + 20), Is.EqualTo(hz).Within(1));
            // The 256-tap sinc is flat within 0.1 dB up to 0.875 x the lower Nyquist rate.
            Assert.That(Signals.ToneAmplitude(middle, hz, 16000), Is.EqualTo(0.5).Within(0.01));
            Assert.That(Signals.Rms(middle), Is.EqualTo(0.5 / Math.Sqrt(2)).Within(0.01));
        });
    }

    [Test]
    public void ToneAboveTheNewNyquistIsRemovedNotFoldedBack()
    {
        // 10 kHz at 44.1 kHz would alias to 6 kHz at 16 kHz; a band-limited resampler removes it.
        float[] y = Resample(Signals.Sine(10_000, 44100, 1.0, 0.5), 44100, 16000);
        double alias = Signals.ToneAmplitude(y[4000..12000], 6000, 16000);
        Assert.That(alias, Is.LessThan(0.005), "aliased 6 kHz amplitude (input 0.5): under -40 dB");
    }

    [TestCase(8000)]
    [TestCase(44100)]
    public void AClickStaysAtItsTime(int from)
    {
        // The resampler's filter delay must be compensated, or every timestamp drifts.
        var x = new float[from];
        x[from / 2] = 1f;
        float[] y = Resample(x, from, 16000);
        int peak = Array.IndexOf(y, y.Max());
        Assert.That(peak / 16000.0, Is.EqualTo(0.5).Within(0.001));
    }

    [TestCase(8000, 16000)]
    [TestCase(44100, 16000)]
    [TestCase(16000, 8000)]
    public void TinyReadBuffersGiveTheSameSamplesAndFullLength(int from, int to)
    {
        float[] x = Signals.Noise(from / 2, 0.2, seed: 11);
        var b = new WavBuilder { Tag = 3, Bits = 32, SampleRate = from };
        string path = temp.Write("tiny.wav", b.Build(WavBuilder.Encode(x, 3, 32)));
        float[] whole = AudioReader.ReadAll(path, new AudioReadOptions { TargetSampleRate = to });
        using var reader = AudioReader.Open(path, new AudioReadOptions { TargetSampleRate = to });
        var pieces = new List<float>();
        var small = new float[7];
        int n;
        while ((n = reader.Read(small)) > 0) pieces.AddRange(small[..n]);
        // WDL's float sums depend slightly on how output is requested: equal to rounding.
        Assert.That(pieces, Is.EqualTo(whole).Within(1e-5));
        // Half a second in, half a second out, to within a few samples of filter rounding.
        Assert.That(whole.Length, Is.EqualTo(to / 2).Within(4));
    }
}
