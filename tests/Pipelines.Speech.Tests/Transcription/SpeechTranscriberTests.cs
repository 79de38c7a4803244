using System.Text.Json.Nodes;
using Pipelines.Speech.Audio;
using Pipelines.Speech.Data;
using Pipelines.Speech.Model;
using Pipelines.Speech.Tests.Support;
using Pipelines.Speech.Transcription;

namespace Pipelines.Speech.Tests.Transcription;

/// <summary>The whole file pipeline with the bundled speech-digits model on real FSDD clips.</summary>
public sealed class SpeechTranscriberTests
{
    private const int Rate = FsddDigits.SampleRate;
    private const double Lead = 1.5; // seconds of silence before the first clip
    private static readonly Lazy<SpeechTranscriber?> Shared = new(() =>
        FindModel() is { } dir ? SpeechTranscriber.Load(dir) : null);

    [Test]
    public void JoinedClipsGiveOrderedWordsWithinTheAudio()
    {
        var transcriber = Transcriber();
        var fsdd = FsddDigits.Open(TestData.Require("fsdd"));
        // george, recording 0: a training speaker's held-back takes, which the model gets mostly right.
        int[] digits = [4, 1, 7];
        var clips = digits.Select(d => fsdd.Clips.Single(c => c.Speaker == "george" && c.Index == 0 && c.Digit == d));
        var audio = new List<float>(Silence(Lead));
        foreach (var clip in clips)
        {
            audio.AddRange(fsdd.Samples(clip));
            audio.AddRange(Silence(0.8));
        }

        using var temp = new TempFiles();
        string path = temp.Write("joined.wav", new WavBuilder { SampleRate = Rate }.Build(
            WavBuilder.Encode(audio.ToArray(), 1, 16)));
        var progress = new List<double>();
        var result = transcriber.Transcribe(path, new TranscriptionOptions { BeamWidth = 8 },
            new SyncProgress(progress.Add));

        double duration = audio.Count / (double)Rate;
        Assert.That(result.Duration, Is.EqualTo(duration).Within(1e-6));
        Assert.That(result.Segments, Is.EqualTo(3), "three clips apart by 0.8 s of silence are three segments");
        var words = result.Transcript.Words;
        Assert.That(words, Is.Not.Empty);
        Assert.That(words.Select(w => w.Text).Count(t => t is "four" or "one" or "seven"), Is.GreaterThanOrEqualTo(2),
            $"got '{result.Transcript.Text}'");
        Assert.Multiple(() =>
        {
            foreach (var w in words)
            {
                Assert.That(w.Start, Is.GreaterThanOrEqualTo(0).And.LessThanOrEqualTo(w.End), w.Text);
                Assert.That(w.End, Is.LessThanOrEqualTo(duration), w.Text);
            }

            var segments = result.Transcript.Segments;
            for (int i = 1; i < segments.Count; i++)
            {
                Assert.That(segments[i].Start, Is.GreaterThanOrEqualTo(segments[i - 1].End), "segments overlap");
            }

            // The first clip starts after Lead seconds of silence: its segment, and so its first word,
            // can begin no earlier than the padding (and one 20 ms energy frame) before that.
            double earliest = Lead - transcriber.VadOptions.PaddingSeconds - 0.02;
            Assert.That(words[0].Start, Is.GreaterThanOrEqualTo(earliest), "times are absolute, offset by the segment");
            Assert.That(progress, Is.Ordered.And.Not.Empty);
            Assert.That(progress[^1], Is.EqualTo(1.0));
        });
    }

    [TestCase("""{"pad_seconds": [0, 0.08, 0.16, 0.24], "combination": "rescore"}""")]
    [TestCase("""{"speeds": [0.9, 1, 1.1], "combination": "rescore"}""")]
    public void TestTimeAugmentationOfTheBundledModelKeepsItsWordsAndTheirTimes(string section)
    {
        var plain = Transcriber();
        string bundled = FindModel()!;
        using var temp = new TempFiles();
        string dir = Path.Combine(temp.Folder, "tta");
        Directory.CreateDirectory(dir);
        File.Copy(Path.Combine(bundled, "weights.safetensors"), Path.Combine(dir, "weights.safetensors"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(bundled, "config.json")))!;
        config["test_time"] = JsonNode.Parse(section);
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
        var tta = SpeechTranscriber.Load(dir);
        Assert.That(tta.Model, Is.InstanceOf<CtcEnsemble>());

        // george, recording 0 (a training speaker's held-back takes), the first clip right at the
        // start of the file: its onset has no lead-in but the padding's.
        var fsdd = FsddDigits.Open(TestData.Require("fsdd"));
        var audio = new List<float>();
        foreach (int d in new[] { 2, 9, 5 })
        {
            audio.AddRange(fsdd.Samples(fsdd.Clips.Single(c => c.Speaker == "george" && c.Index == 0 && c.Digit == d)));
            audio.AddRange(Silence(0.8));
        }

        string path = temp.Write("joined.wav", new WavBuilder { SampleRate = Rate }.Build(
            WavBuilder.Encode(audio.ToArray(), 1, 16)));
        var expected = plain.Transcribe(path).Transcript.Words;
        var words = tta.Transcribe(path).Transcript.Words;

        double duration = audio.Count / (double)Rate;
        Assert.That(words.Select(w => w.Text), Is.EqualTo(new[] { "two", "nine", "five" }));
        Assert.That(expected.Select(w => w.Text), Is.EqualTo(words.Select(w => w.Text)), "as the model heard once");
        for (int i = 0; i < words.Count; i++)
        {
            // Word times come from the voiced stretch each word is matched to, so they stay where
            // the single pass puts them (within two 20 ms energy frames).
            Assert.That(words[i].Start, Is.EqualTo(expected[i].Start).Within(0.04), words[i].Text);
            Assert.That(words[i].End, Is.EqualTo(expected[i].End).Within(0.04), words[i].Text);
            Assert.That(words[i].Start, Is.GreaterThanOrEqualTo(0).And.LessThanOrEqualTo(words[i].End));
            Assert.That(words[i].End, Is.LessThanOrEqualTo(duration));
            if (i > 0) Assert.That(words[i].Start, Is.GreaterThanOrEqualTo(words[i - 1].End), "in order, apart");
        }
    }

    [Test]
    public void OnlyTheSegmentAtTheStartOfTheFileIsHeardAsStartingTheRecording()
    {
        // Speech from the first sample, then silence, then speech again: two segments, the first
        // at 0 s (no audio of the recording before it), the second cut from inside it.
        var audio = new List<float>(Signals.Noise(Rate / 2, 0.3, seed: 7));
        audio.AddRange(Silence(1.5));
        audio.AddRange(Signals.Noise(Rate / 2, 0.3, seed: 8));
        audio.AddRange(Silence(0.5));
        using var temp = new TempFiles();
        string path = temp.Write("two.wav", new WavBuilder { SampleRate = Rate }.Build(
            WavBuilder.Encode(audio.ToArray(), 1, 16)));
        var model = new RecordingModel();

        var result = new SpeechTranscriber(model).Transcribe(path);

        Assert.That(result.Segments, Is.EqualTo(2));
        Assert.That(model.StartsRecording, Is.EqualTo(new[] { true, false }));
    }

    [Test]
    public void SilenceAndSteadyNoiseGiveAnEmptyTranscript()
    {
        var transcriber = Transcriber();
        using var temp = new TempFiles();
        string silent = temp.Write("silent.wav", new WavBuilder { SampleRate = Rate }.Build(
            WavBuilder.Encode(Silence(2.0), 1, 16)));
        string noise = temp.Write("noise.wav", new WavBuilder { SampleRate = Rate }.Build(
            WavBuilder.Encode(Signals.Noise(3 * Rate, 0.01, seed: 5), 1, 16)));

        foreach (string path in new[] { silent, noise })
        {
            var result = transcriber.Transcribe(path);
            Assert.That(result.Transcript.Words, Is.Empty, path);
            Assert.That(result.Transcript.Text, Is.Empty, path);
            Assert.That(result.Duration, Is.GreaterThan(1.9), path);
        }
    }

    [Test]
    public void DigitsOptionWritesNumerals()
    {
        var transcriber = Transcriber();
        var fsdd = FsddDigits.Open(TestData.Require("fsdd"));
        var clip = fsdd.Clips.Single(c => c.Speaker == "george" && c.Index == 0 && c.Digit == 7);
        var audio = Silence(0.5).Concat(fsdd.Samples(clip)).Concat(Silence(0.5)).ToArray();
        using var temp = new TempFiles();
        string path = temp.Write("seven.wav", new WavBuilder { SampleRate = Rate }.Build(
            WavBuilder.Encode(audio, 1, 16)));

        var words = transcriber.Transcribe(path).Transcript;
        var numerals = transcriber.Transcribe(path, new TranscriptionOptions { DigitsAsNumerals = true }).Transcript;

        Assert.That(words.Words, Is.Not.Empty);
        Assert.That(numerals.Words.Select(w => w.Text),
            Is.EqualTo(words.Words.Select(w => DigitNumerals.Convert(w.Text))));
        Assert.That(numerals.Words.Select(w => w.Text), Has.All.Matches<string>(t => t is [>= '0' and <= '9']));
        Assert.That(numerals.Words.Select(w => w.Start), Is.EqualTo(words.Words.Select(w => w.Start)));
    }

    [Test]
    public void UnreadableFileThrowsAudioFormatException()
    {
        var transcriber = Transcriber();
        using var temp = new TempFiles();
        string path = temp.Write("notes.wav", "just some text, not audio"u8.ToArray());

        var e = Assert.Throws<AudioFormatException>(() => transcriber.Transcribe(path));
        Assert.That(e!.Message, Does.Contain("notes.wav").And.Not.Contain("\n"));
    }

    private static float[] Silence(double seconds) => new float[(int)(seconds * Rate)];

    private static SpeechTranscriber Transcriber() =>
        Shared.Value ?? throw new InconclusiveException("models/speech-digits not found above the test directory");

    private static string? FindModel()
    {
        for (var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); d != null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "models", "speech-digits");
            if (Directory.Exists(candidate)) return candidate;
        }

        return null;
    }

    /// <summary>A model that hears nothing (all blank) and notes how each segment was offered.</summary>
    private sealed class RecordingModel : ICtcAcousticModel
    {
        public List<bool> StartsRecording { get; } = [];

        public int SampleRate => Rate;

        public AcousticVocabulary Vocabulary { get; } = AcousticVocabulary.DigitWords();

        public AcousticOutput Infer(float[] samples) => Infer(samples, true);

        public AcousticOutput Infer(float[] samples, bool startsRecording)
        {
            StartsRecording.Add(startsRecording);
            int frames = Math.Max(1, samples.Length / 320);
            var logProbs = new float[frames * Vocabulary.Count];   // [time', vocab]: blank sure
            for (int i = 0; i < logProbs.Length; i++) logProbs[i] = i % Vocabulary.Count == 0 ? 0 : -30;
            return new AcousticOutput(logProbs, frames, Vocabulary.Count, 0.04);
        }
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
