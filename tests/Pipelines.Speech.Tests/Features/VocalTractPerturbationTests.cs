using Pipelines.Speech.Features;
using Pipelines.Speech.Tests.Support;
using Rnn.Core;

namespace Pipelines.Speech.Tests.Features;

public sealed class VocalTractPerturbationTests
{
    // The digit model's front end: 8 kHz, 40 mel bands, 20 MFCCs.
    private static readonly LogMelOptions Options = new() { SampleRate = 8000, MelBands = 40, Mfcc = 20 };

    private static int PeakBand(FeatureMatrix bands, int frame)
    {
        float[] row = bands.Row(frame).ToArray();
        return Array.IndexOf(row, row.Max());
    }

    [Test]
    public void FactorOneIsTheIdentity()
    {
        var rng = new Rng(3);
        var data = Enumerable.Range(0, 30 * 40).Select(_ => (float)(rng.NextDouble() * 20 - 10)).ToArray();
        var bands = new FeatureMatrix(30, 40, data);
        var vtlp = new VocalTractPerturbation();

        // Tolerance: the band positions go through mel and back, exact to ~1e-12 bands.
        Assert.That(vtlp.Warp(bands, Options, 1.0).Data, Is.EqualTo(data).Within(1e-4f));
        Assert.That(vtlp.SourcePositions(Options, 1.0), Is.EqualTo(Enumerable.Range(0, 40).Select(b => (double)b))
            .Within(1e-9));
        Assert.That(new VocalTractPerturbation { MaxWarp = 0 }.Apply(bands, Options, new Rng(1)).Data,
            Is.EqualTo(data).Within(1e-4f), "MaxWarp 0 draws factor 1");
    }

    [TestCase(1000.0, 1.1)]
    [TestCase(1000.0, 0.9)]
    [TestCase(600.0, 1.15)]
    [TestCase(2000.0, 0.88)]
    public void WarpMovesAToneWhereATonePitchedByTheFactorLies(double hz, double alpha)
    {
        // A speaker with a shorter vocal tract (alpha > 1) has its formants higher: warping the
        // bands of a tone at f must put its energy where a real tone at alpha * f has it.
        var mel = new LogMelSpectrogram(Options);
        var tone = mel.ComputeBands(Signals.Sine(hz, 8000, 0.2));
        var shifted = mel.ComputeBands(Signals.Sine(hz * alpha, 8000, 0.2));
        var warped = new VocalTractPerturbation().Warp(tone, Options, alpha);

        int before = PeakBand(tone, 5), after = PeakBand(warped, 5), expected = PeakBand(shifted, 5);
        Assert.That(after, Is.EqualTo(expected).Within(1), $"tone {hz} Hz warped by {alpha}");
        Assert.That(Math.Sign(after - before), Is.EqualTo(Math.Sign(alpha - 1)), "the energy moves the right way");
    }

    [TestCase(0.85)]
    [TestCase(1.15)]
    public void SourcePositionsRiseAndStayInsideTheBankWithTheTopFixed(double alpha)
    {
        double[] positions = new VocalTractPerturbation().SourcePositions(Options, alpha);
        Assert.That(positions, Is.Ordered);
        Assert.That(positions, Is.All.InRange(0.0, 39.0));
        // The top band's centre lies below the fixed top frequency, so it may read up to a band lower.
        Assert.That(positions[^1], Is.EqualTo(39).Within(1.0), "the top band keeps (nearly) its own energy");
    }

    [Test]
    public void DrawsStayWithinTheFactorRangeAndRepeatWithTheSeed()
    {
        var mel = new LogMelSpectrogram(Options);
        var tone = mel.ComputeBands(Signals.Sine(1000, 8000, 0.2));
        var vtlp = new VocalTractPerturbation { MaxWarp = 0.12 };
        var peaks = new HashSet<int>();
        for (ulong seed = 0; seed < 30; seed++)
        {
            var warped = vtlp.Apply(tone, Options, new Rng(seed));
            Assert.That(warped.Data, Is.EqualTo(vtlp.Apply(tone, Options, new Rng(seed)).Data));
            int low = PeakBand(mel.ComputeBands(Signals.Sine(880, 8000, 0.2)), 5);
            int high = PeakBand(mel.ComputeBands(Signals.Sine(1120, 8000, 0.2)), 5);
            Assert.That(PeakBand(warped, 5), Is.InRange(low - 1, high + 1), $"seed {seed}");
            peaks.Add(PeakBand(warped, 5));
        }

        Assert.That(peaks.Count, Is.GreaterThan(2), "different seeds warp by different factors");
    }

    [Test]
    public void RejectsBandsOfTheWrongCountAndFactorsOutOfRange()
    {
        var vtlp = new VocalTractPerturbation();
        var twenty = new FeatureMatrix(2, 20, new float[40]);
        var ex = Assert.Throws<ArgumentException>(() => vtlp.Warp(twenty, Options, 1.1));
        Assert.That(ex!.Message, Does.Contain("40 mel bands").And.Contain("20"));
        var forty = new FeatureMatrix(1, 40, new float[40]);
        Assert.Throws<ArgumentOutOfRangeException>(() => vtlp.Warp(forty, Options, 3));
    }
}
