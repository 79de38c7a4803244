using Pipelines.Speech.Data;
using Pipelines.Speech.Decoding;
using Pipelines.Speech.Tests.Support;
using Pipelines.Speech.Transcription;
using Rnn.Core;

namespace Pipelines.Speech.Tests.Transcription;

public sealed class WordTimingTests
{
    private const int Rate = 8000;

    // Quiet noise with 0.5-amplitude tone bursts over the given [start, end) spans (seconds).
    private static float[] Bursts(double seconds, params (double Start, double End)[] spans)
    {
        float[] x = Signals.Noise((int)(seconds * Rate), 1e-3, 11);
        foreach (var (start, end) in spans)
        {
            float[] tone = Signals.Sine(400, Rate, end - start);
            tone.CopyTo(x, (int)(start * Rate));
        }

        return x;
    }

    private static TranscriptWord Spike(string text, double at) => new(text, at, at + 0.04, 0.9);

    [Test]
    public void EachWordSpansTheVoicedStretchItsSpikeBelongsTo()
    {
        // Spikes fire 0.15 s early, 0.1 s early and inside the word, as a BiGRU's may.
        float[] x = Bursts(2.2, (0.2, 0.55), (0.9, 1.3), (1.6, 1.85));
        // The words come with absolute times, like the segment: it starts 10 s into its file.
        var words = new[] { Spike("one", 10.05), Spike("two", 10.80), Spike("three", 11.62) };

        var islands = WordTiming.Islands(x, Rate);
        Assert.That(islands, Has.Count.EqualTo(3), string.Join(" ", islands));
        var spread = WordTiming.Spread(words, x, Rate, offset: 10, segmentEnd: 12.2);

        // The energy frames are 10 ms apart and 20 ms long.
        Assert.That(spread.Select(w => w.Text), Is.EqualTo(new[] { "one", "two", "three" }));
        var expected = new[] { (0.2, 0.55), (0.9, 1.3), (1.6, 1.85) };
        for (int i = 0; i < 3; i++)
        {
            Assert.That(spread[i].Start, Is.EqualTo(10 + expected[i].Item1).Within(0.03), $"start of word {i}");
            Assert.That(spread[i].End, Is.EqualTo(10 + expected[i].Item2).Within(0.03), $"end of word {i}");
            Assert.That(spread[i].Confidence, Is.EqualTo(0.9));
        }
    }

    // A lone word whose late spike lies on a faint click after it: the click is an island too, and
    // with distance alone (0 to the click) the word took it, 40 ms long, beside its own speech.
    [Test]
    public void ALoneLateSpikePrefersItsWordToAFaintClickItLandsOn()
    {
        float[] x = Bursts(1.6, (0.3, 0.8));
        float[] click = Signals.Sine(400, Rate, 0.06);
        for (int i = 0; i < click.Length; i++) x[(int)(1.0 * Rate) + i] = click[i] * 0.02f;   // ~-40 dB re the word
        var islands = WordTiming.Islands(x, Rate);
        Assert.That(islands, Has.Count.EqualTo(2), string.Join(" ", islands));

        var spread = WordTiming.Spread([Spike("one", 1.0)], x, Rate, offset: 0, segmentEnd: 1.6);

        Assert.That(spread[0].Start, Is.EqualTo(0.3).Within(0.03));
        Assert.That(spread[0].End, Is.EqualTo(0.8).Within(0.03));
    }

    // Clips whose own silence is gated to exact zeros, joined by pauses of real noise 25 dB under the
    // words: the 10th percentile fell in the zeros, the threshold under the pauses' noise, and the three
    // words made one stretch (a fresh user's joined FSDD recording put 24 of 200 words 0.3 s or more
    // off that way). The few gated frames are set aside when the floor is taken.
    [Test]
    public void GatedSilenceInsideClipsDoesNotMergeWordsAcrossNoisyPauses()
    {
        float[] x = Signals.Noise((int)(2.2 * Rate), 0.0018, 5);
        foreach (var (start, end) in new[] { (0.1, 0.55), (0.85, 1.3), (1.6, 2.05) })
        {
            Array.Clear(x, (int)(start * Rate), (int)((end - start) * Rate));   // the clip: gated zeros
            float[] tone = Signals.Sine(400, Rate, end - start - 0.2, 0.05);
            tone.CopyTo(x, (int)((start + 0.1) * Rate));                            // its word inside
        }

        var islands = WordTiming.Islands(x, Rate);

        Assert.That(islands, Has.Count.EqualTo(3), string.Join(" ", islands));
        var words = new[] { Spike("one", 0.5), Spike("two", 1.25), Spike("three", 2.0) };
        var spread = WordTiming.Spread(words, x, Rate, offset: 0, segmentEnd: 2.2);
        var expected = new[] { (0.2, 0.45), (0.95, 1.2), (1.7, 1.95) };
        for (int i = 0; i < 3; i++)
        {
            Assert.That(spread[i].Start, Is.EqualTo(expected[i].Item1).Within(0.03), $"start of word {i}");
            Assert.That(spread[i].End, Is.EqualTo(expected[i].Item2).Within(0.03), $"end of word {i}");
        }
    }

    [Test]
    public void LateSpikesAreMovedBackToTheirOwnWords()
    {
        // Words 0.2 s apart; each spike fires at or just after the next word's onset, the last
        // one 0.8 s after its word, as the default digit model's do.
        float[] x = Bursts(3.0, (0.3, 0.8), (1.0, 1.5), (1.7, 2.2));
        var words = new[] { Spike("four", 1.02), Spike("one", 1.74), Spike("seven", 3.0) };

        var spread = WordTiming.Spread(words, x, Rate, offset: 0, segmentEnd: 3.0);

        var expected = new[] { (0.3, 0.8), (1.0, 1.5), (1.7, 2.2) };
        for (int i = 0; i < 3; i++)
        {
            Assert.That(spread[i].Start, Is.EqualTo(expected[i].Item1).Within(0.03), $"start of word {i}");
            Assert.That(spread[i].End, Is.EqualTo(expected[i].Item2).Within(0.03), $"end of word {i}");
        }
    }

    [Test]
    public void SpikesInsideTheirWordsAreNotShifted()
    {
        float[] x = Bursts(3.0, (0.3, 0.8), (1.0, 1.5), (1.7, 2.2));
        var spikes = new[] { 0.5, 1.2, 2.0 };
        Assert.That(WordTiming.Delay(spikes, WordTiming.Islands(x, Rate)), Is.EqualTo(0));
    }

    [Test]
    public void WordsSharingOneStretchSplitItAtTheirSpikesAndNeverOverlap()
    {
        float[] x = Bursts(1.5, (0.3, 1.1));
        var words = new[] { Spike("four", 0.40), Spike("two", 0.86) };

        var spread = WordTiming.Spread(words, x, Rate, offset: 0, segmentEnd: 1.5);

        Assert.That(spread[0].Start, Is.EqualTo(0.3).Within(0.03));
        Assert.That(spread[0].End, Is.EqualTo(0.65).Within(0.03), "the midpoint of the spikes' centres");
        Assert.That(spread[1].Start, Is.EqualTo(spread[0].End));
        Assert.That(spread[1].End, Is.EqualTo(1.1).Within(0.03));
    }

    [Test]
    public void WithoutContrastTheCtcTimesAreKept()
    {
        float[] x = Signals.Noise(Rate, 0.1, 3);
        var words = new[] { Spike("five", 0.5) };
        Assert.That(WordTiming.Spread(words, x, Rate, 0, 1), Is.EqualTo(words));
    }

    [TestCase(0.5)]
    [TestCase(0.2)]   // short pauses: the model's spikes land on the next word
    public void BundledModelWordsCoverTheKnownTimesOfAJoinedRecording(double gap)
    {
        // george's take 0 of 3 1 4 1 5 9 2 6, joined with fixed gaps at 0 dB: every clip's span is known.
        string model = BundledModel.Require();
        var fsdd = FsddDigits.Open(TestData.Require("fsdd"));
        var clips = new[] { 3, 1, 4, 1, 5, 9, 2, 6 }
            .Select(d => fsdd.Clips.Single(c => c.Speaker == "george" && c.Index == 0 && c.Digit == d)).ToArray();
        var options = new DigitSequenceOptions
        {
            MinGapSeconds = gap, MaxGapSeconds = gap, MinGainDb = 0, MaxGainDb = 0, MaxNoiseStd = 0.001f,
        };
        var u = fsdd.Join(clips, options, new Rng(2));
        var spans = new List<(double Start, double End)>();
        double at = gap;
        foreach (var c in clips)
        {
            double length = fsdd.Samples(c).Length / (double)Rate;
            spans.Add((at, at + length));
            at += length + gap;
        }

        using var temp = new TempFiles();
        byte[] samples = WavBuilder.Encode(u.Samples, 1, 16);
        string wav = temp.Write("joined.wav", new WavBuilder { SampleRate = Rate }.Build(samples));
        var result = SpeechTranscriber.Load(model).Transcribe(wav);

        var words = result.Transcript.Words;
        Assert.That(result.Transcript.Text, Is.EqualTo(u.Transcript), "george is a training speaker");
        for (int i = 0; i < words.Count; i++)
        {
            // FSDD clips hold up to ~0.1 s of quiet at their edges, which belongs to no word.
            Assert.That(words[i].Start, Is.InRange(spans[i].Start - 0.02, spans[i].Start + 0.2), $"word {i} start");
            Assert.That(words[i].End, Is.InRange(spans[i].End - 0.2, spans[i].End + 0.02), $"word {i} end");
            if (i > 0) Assert.That(words[i].Start, Is.GreaterThanOrEqualTo(words[i - 1].End));
        }
    }
}
