using Pipelines.Speech.Audio;
using Pipelines.Speech.Tests.Support;

namespace Pipelines.Speech.Tests.Audio;

public sealed class SpeedPerturbationTests
{
    [TestCase(0.9)]
    [TestCase(1.1)]
    public void ToneMovesWithTheSpeedAndTheLengthShrinksByIt(double speed)
    {
        float[] x = Signals.Sine(1000, 16000, 1.0, 0.5);

        float[] y = SpeedPerturbation.Apply(x, 16000, speed);

        // One second played `speed` times as fast lasts 1/speed s; a few samples of filter
        // tail either way are fine.
        Assert.That(y, Has.Length.EqualTo((int)(16000 / speed)).Within(64));
        float[] middle = y[3000..11000];
        Assert.Multiple(() =>
        {
            Assert.That(Signals.PeakFrequency(middle, 16000, 800, 1200), Is.EqualTo(1000 * speed).Within(2));
            Assert.That(Signals.ToneAmplitude(middle, 1000 * speed, 16000), Is.EqualTo(0.5).Within(0.01));
        });
    }

    [Test]
    public void SpeedOneReturnsACopy()
    {
        float[] x = Signals.Sine(440, 8000, 0.1, 0.3);

        float[] y = SpeedPerturbation.Apply(x, 8000, 1.0);

        Assert.That(y, Is.EqualTo(x));
        Assert.That(y, Is.Not.SameAs(x));
    }

    [TestCase(0.4)]
    [TestCase(2.5)]
    [TestCase(double.NaN)]
    public void SpeedOutsideTheRangeIsRefusedWithItsValue(double speed)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SpeedPerturbation.Apply([0f], 16000, speed));
        Assert.That(e!.Message, Does.Contain(speed.ToString(System.Globalization.CultureInfo.CurrentCulture)));
    }
}
