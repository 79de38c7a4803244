using Pipelines.Speech.Audio;
using Pipelines.Speech.Tests.Support;
using Pipelines.Speech.Vad;

namespace Pipelines.Speech.Tests.Vad;

/// <summary>VAD tests on generated signals and on real recordings from the Free Spoken Digit
/// Dataset (shared/data/fsdd, 8 kHz, CC BY-SA 4.0), padded and mixed here.</summary>
public sealed class EnergyVadTests
{
    private const int Rate = 8000;

    private static IEnumerable<float[]> Blocks(float[] x, int size)
    {
        for (int i = 0; i < x.Length; i += size) yield return x[i..Math.Min(x.Length, i + size)];
    }

    private static List<SpeechSegment> Detect(float[] x, EnergyVadOptions? o = null, int block = 4000) =>
        new EnergyVad(Rate, o).Detect(Blocks(x, block)).ToList();

    private static float[] Clip(string name) => AudioReader.ReadAll(TestData.Require($"fsdd/{name}"));

    /// <summary>Start of the first and end of the last 20 ms frame of a clip louder than
    /// <paramref name="db"/> dBFS: where its speech is.</summary>
    private static (double Start, double End) LoudPart(float[] clip, double db = -35)
    {
        int frame = Rate / 50;
        var loud = Enumerable.Range(0, clip.Length / frame)
            .Where(i => 20 * Math.Log10(Signals.Rms(clip.AsSpan(i * frame, frame)) + 1e-9) > db).ToList();
        return (loud[0] * frame / (double)Rate, (loud[^1] + 1) * frame / (double)Rate);
    }

    private static float[] Concat(params float[][] parts) => parts.SelectMany(p => p).ToArray();

    private static void AssertWellFormed(List<SpeechSegment> segments, double audioSeconds)
    {
        for (int i = 0; i < segments.Count; i++)
        {
            Assert.That(segments[i].Start, Is.GreaterThanOrEqualTo(i == 0 ? 0 : segments[i - 1].End),
                $"segment {i} overlaps");
            Assert.That(segments[i].End, Is.GreaterThan(segments[i].Start));
            Assert.That(segments[i].End, Is.LessThanOrEqualTo(audioSeconds), $"segment {i} ends after the audio");
        }
    }

    [Test]
    public void DigitalSilenceGivesNoSegment() =>
        Assert.That(Detect(new float[Rate * 10]), Is.Empty);

    [TestCase(0.0015, 20)] // -56.5 dBFS: under the absolute threshold
    [TestCase(0.1, 21)]    // -20 dBFS: loud, but steady, so the noise floor rises with it
    public void SteadyNoiseAloneGivesNoSegment(double rms, int seed)
    {
        float[] noise = Signals.Noise(Rate * 12, rms, seed);
        Assert.That(Detect(noise), Is.Empty);
    }

    [Test]
    public void RealDigitPaddedBySilenceGivesOneSegmentAtItsTime()
    {
        float[] clip = Clip("3_jackson_7.wav");
        float[] audio = Concat(new float[Rate * 3 / 2], clip, new float[Rate * 2]);
        // In digital silence the noise floor is -120 dB, so the absolute threshold decides: the
        // segment is the frames above it plus the padding (clip and frames may be a frame apart).
        var o = new EnergyVadOptions();
        var (loudStart, loudEnd) = LoudPart(clip, o.AbsoluteThresholdDb);
        List<SpeechSegment> s = Detect(audio);
        Assert.That(s, Has.Count.EqualTo(1));
        Assert.That(s[0].Start, Is.EqualTo(1.5 + loudStart - o.PaddingSeconds).Within(0.021));
        Assert.That(s[0].End, Is.EqualTo(1.5 + loudEnd + o.PaddingSeconds).Within(0.021));
        AssertWellFormed(s, audio.Length / (double)Rate);
    }

    [TestCase(0.1f)]
    [TestCase(0.3f)]
    public void ADcOffsetDoesNotHideSpeech(float offset)
    {
        // Found by a user trial: a constant shift of 0.1 full scale raised every frame's energy
        // above the speech, so the noise floor swallowed it and the transcript came back empty.
        float[] clip = Clip("3_jackson_7.wav");
        float[] audio = Concat(new float[Rate * 3 / 2], clip, new float[Rate * 2]).Select(v => v + offset).ToArray();
        List<SpeechSegment> shifted = Detect(audio);
        List<SpeechSegment> plain = Detect(Concat(new float[Rate * 3 / 2], clip, new float[Rate * 2]));
        Assert.That(shifted, Has.Count.EqualTo(1));
        Assert.That(shifted[0].Start, Is.EqualTo(plain[0].Start).Within(0.021));
        Assert.That(shifted[0].End, Is.EqualTo(plain[0].End).Within(0.021));
    }

    [Test]
    public void DigitsInLowNoiseGiveOneSegmentEachWithAbsoluteTimes()
    {
        string[] names = ["1_nicolas_3.wav", "7_lucas_12.wav", "9_yweweler_20.wav"];
        float[][] clips = names.Select(Clip).ToArray();
        var parts = new List<float[]> { new float[Rate] };
        var expected = new List<(double, double)>();
        double t = 1;
        foreach (float[] c in clips)
        {
            var (a, b) = LoudPart(c, -40); // the yweweler clip peaks at only -36 dBFS
            expected.Add((t + a, t + b));
            parts.Add(c);
            parts.Add(new float[Rate * 6 / 5]);
            t += (c.Length + Rate * 6 / 5) / (double)Rate;
        }
        float[] audio = Concat([.. parts]);
        float[] noise = Signals.Noise(audio.Length, 0.001, seed: 4); // -60 dBFS
        for (int i = 0; i < audio.Length; i++) audio[i] += noise[i];

        // Bounds: the frames above -40 dBFS lie inside the segment, which reaches at most the
        // padding plus the clip's quieter edges (above the -50 dBFS threshold) beyond them.
        List<SpeechSegment> s = Detect(audio);
        Assert.That(s, Has.Count.EqualTo(3));
        for (int i = 0; i < 3; i++)
        {
            var (start, end) = expected[i];
            Assert.That(s[i].Start, Is.LessThanOrEqualTo(start).And.GreaterThan(start - 0.35), names[i]);
            Assert.That(s[i].End, Is.GreaterThanOrEqualTo(end).And.LessThan(end + 0.35), names[i]);
        }
        AssertWellFormed(s, audio.Length / (double)Rate);
    }

    [Test]
    public void ResultDoesNotDependOnBlockSizes()
    {
        float[] audio = Concat(new float[Rate], Clip("5_lucas_2.wav"), new float[Rate / 2], Clip("2_george_9.wav"));
        List<SpeechSegment> big = Detect(audio, block: audio.Length);
        Assert.That(big, Is.Not.Empty);
        Assert.That(Detect(audio, block: 777), Is.EqualTo(big));
        Assert.That(Detect(audio, block: 1), Is.EqualTo(big));
    }

    [Test]
    public void LongSpeechIsSplitIntoBoundedContiguousSegments()
    {
        // 40 s of a 4 Hz "syllable" envelope over a 300 Hz tone, never silent for the 0.3 s a
        // segment needs to end: only the length bound can cut it.
        float[] x = Signals.Sine(300, Rate, 40, 0.5);
        for (int i = 0; i < x.Length; i++) x[i] *= (float)(0.55 + 0.45 * Math.Sin(2 * Math.PI * 4 * i / Rate));
        var o = new EnergyVadOptions { MaxSegmentSeconds = 5 };
        List<SpeechSegment> s = Detect(x, o);
        AssertWellFormed(s, 40);
        Assert.That(s.Max(g => g.Duration), Is.LessThanOrEqualTo(5 + 1e-9));
        Assert.That(s.Sum(g => g.Duration), Is.GreaterThan(39.5), "the split pieces cover the speech");
        // Each cut lies in the second half of the allowed length: 40 / 5 to 40 / 2.4 pieces.
        Assert.That(s, Has.Count.InRange(8, 17));
    }

    [Test]
    public void SpeechRunningToTheEndStopsAtTheEndOfTheAudio()
    {
        float[] clip = Clip("8_jackson_30.wav");
        float[] audio = Concat(new float[Rate], clip);
        double seconds = audio.Length / (double)Rate;
        List<SpeechSegment> s = Detect(audio);
        Assert.That(s, Is.Not.Empty);
        Assert.That(s[^1].End, Is.LessThanOrEqualTo(seconds));
        Assert.That(s[^1].End, Is.GreaterThan(seconds - 0.15));
    }

    [Test]
    public void SegmentSamplesAreTheAudioBetweenItsTimes()
    {
        float[] audio = Concat(new float[Rate * 2], Clip("4_george_1.wav"), new float[Rate * 4],
            Clip("6_nicolas_8.wav"), new float[Rate]);
        List<SpeechChunk> chunks = new EnergyVad(Rate).Segment(Blocks(audio, 3000)).ToList();
        Assert.That(chunks, Has.Count.EqualTo(2));
        foreach (SpeechChunk c in chunks)
        {
            int from = (int)Math.Round(c.Segment.Start * Rate), to = (int)Math.Round(c.Segment.End * Rate);
            Assert.That(c.Samples, Is.EqualTo(audio[from..to]));
        }
    }

    [Test]
    public void TimesStayCorrectThroughResampling()
    {
        // The same recording as a 44.1 kHz-free path: 8 kHz WAV read at 16 kHz.
        float[] audio = Concat(new float[Rate * 3 / 2], Clip("0_yweweler_4.wav"), new float[Rate * 2]);
        using var temp = new TempFiles();
        string path = temp.Write("digit.wav", new WavBuilder { SampleRate = Rate, Tag = 3, Bits = 32 }
            .Build(WavBuilder.Encode(audio, 3, 32)));
        using var reader = AudioReader.Open(path, new AudioReadOptions { TargetSampleRate = 16000 });
        List<SpeechSegment> at16 = new EnergyVad(16000).Detect(reader).ToList();
        List<SpeechSegment> at8 = Detect(audio);
        Assert.That(at16, Has.Count.EqualTo(at8.Count).And.Count.EqualTo(1));
        Assert.That(at16[0].Start, Is.EqualTo(at8[0].Start).Within(0.021));
        Assert.That(at16[0].End, Is.EqualTo(at8[0].End).Within(0.021));
    }

    [Test]
    public void BadOptionsNameTheParameter()
    {
        Assert.That(() => new EnergyVad(Rate, new EnergyVadOptions { MaxSegmentSeconds = 0.1 }),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("MaxSegmentSeconds"));
        Assert.That(() => new EnergyVad(Rate, new EnergyVadOptions { NoisePercentile = 2 }),
            Throws.ArgumentException.With.Message.Contain("got 2"));
    }
}
