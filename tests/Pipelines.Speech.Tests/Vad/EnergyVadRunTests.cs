using Pipelines.Speech.Tests.Support;
using Pipelines.Speech.Vad;

namespace Pipelines.Speech.Tests.Vad;

public sealed class EnergyVadRunTests
{
    [Test]
    public void TwentyMinutesAreSegmentedWithBoundedBuffers()
    {
        // 0.5 s of tone then 1.5 s of silence, 600 times, fed as generated: the detector may
        // hold one segment plus its look-ahead, never the whole 20 minutes.
        const int rate = 8000, cycles = 600;
        var o = new EnergyVadOptions();
        var run = new EnergyVadRun(o, rate, keepAudio: true);
        float[] burst = Signals.Sine(250, rate, 0.5, 0.3), gap = new float[rate * 3 / 2];
        int segments = 0, maxBuffered = 0;
        double lastEnd = 0;
        for (int c = 0; c < cycles; c++)
        {
            run.Feed(burst);
            run.Feed(gap);
            maxBuffered = Math.Max(maxBuffered, run.BufferedSamples);
            while (run.TryTake(out SpeechChunk? chunk))
            {
                double expectedStart = segments * 2.0 - o.PaddingSeconds;
                Assert.That(chunk.Segment.Start, Is.EqualTo(Math.Max(0, expectedStart)).Within(0.021),
                    $"segment {segments}");
                Assert.That(chunk.Segment.Start, Is.GreaterThanOrEqualTo(lastEnd));
                lastEnd = chunk.Segment.End;
                segments++;
            }
        }
        run.Finish();
        while (run.TryTake(out _)) segments++;
        Assert.That(segments, Is.EqualTo(cycles));
        double bound = (o.MaxSegmentSeconds + o.NoiseWindowSeconds + 2 * o.PaddingSeconds + 2) * rate;
        Assert.That(maxBuffered, Is.LessThan(bound), "samples buffered at most");
    }
}
