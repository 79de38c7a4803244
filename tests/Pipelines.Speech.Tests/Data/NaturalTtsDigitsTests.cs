using Pipelines.Speech.Data;
using Pipelines.Speech.Tests.Support;

namespace Pipelines.Speech.Tests.Data;

public sealed class NaturalTtsDigitsTests
{
    private static readonly TtsVoice[] ThreeVoices =
    {
        new(TtsVoice.Flite, "slt"), new(TtsVoice.Festival, "kal_diphone"), new(TtsVoice.Flite, "awb"),
    };

    [Test]
    public void PlanIsSeededDealsVoicesInTurnAndKeepsParametersInRange()
    {
        var plan = NaturalTtsDigits.Plan(ThreeVoices, speakers: 9, takes: 2, seed: 11);
        var again = NaturalTtsDigits.Plan(ThreeVoices.Reverse().ToArray(), speakers: 9, takes: 2, seed: 11);
        var other = NaturalTtsDigits.Plan(ThreeVoices, speakers: 9, takes: 2, seed: 12);

        // The caller's voice order does not matter; the seed does.
        Assert.That(again.Select(s => s.Describe()), Is.EqualTo(plan.Select(s => s.Describe())));
        Assert.That(again.SelectMany(s => s.Takes), Is.EqualTo(plan.SelectMany(s => s.Takes)));
        Assert.That(other.Select(s => s.Describe()), Is.Not.EqualTo(plan.Select(s => s.Describe())));

        Assert.That(plan.Select(s => s.Name), Is.EqualTo(new[]
        {
            "ttsaa", "ttsab", "ttsac", "ttsad", "ttsae", "ttsaf", "ttsag", "ttsah", "ttsai",
        }));
        Assert.That(plan.GroupBy(s => s.Voice).Select(g => g.Count()), Is.EqualTo(new[] { 3, 3, 3 }));
        foreach (var speaker in plan)
        {
            Assert.That(speaker.PitchCents,
                Is.InRange(NaturalTtsDigits.MinPitchCents, NaturalTtsDigits.MaxPitchCents));
            Assert.That(speaker.Tempo, Is.InRange(NaturalTtsDigits.MinTempo, NaturalTtsDigits.MaxTempo));
            Assert.That(speaker.Takes, Has.Count.EqualTo(20));
            Assert.That(speaker.Take(1, 7), Is.EqualTo(speaker.Takes[17]));
            Assert.That(speaker.Take(1, 7).Digit, Is.EqualTo(7));
            foreach (var take in speaker.Takes)
            {
                Assert.That(Math.Abs(take.PitchCents - speaker.PitchCents),
                    Is.LessThanOrEqualTo(NaturalTtsDigits.TakePitchCents));
                // Tempi are rounded to 3 decimals, hence the 1e-3 slack.
                Assert.That(Math.Abs(take.Tempo - speaker.Tempo),
                    Is.LessThanOrEqualTo(NaturalTtsDigits.TakeTempo + 1e-3));
            }
        }
    }

    [Test]
    public void MoreSpeakersOrTakesExtendThePlanWithoutChangingIt()
    {
        var small = NaturalTtsDigits.Plan(ThreeVoices, speakers: 4, takes: 1, seed: 5);
        var large = NaturalTtsDigits.Plan(ThreeVoices, speakers: 7, takes: 3, seed: 5);
        for (int s = 0; s < small.Count; s++)
        {
            Assert.That(large[s].Describe(), Is.EqualTo(small[s].Describe()));
            Assert.That(large[s].Takes.Take(10), Is.EqualTo(small[s].Takes));
        }
    }

    [Test]
    public void SpeakerNamesAreLettersOnlyAndDistinctFromEspeak()
    {
        Assert.That(NaturalTtsDigits.SpeakerName(0), Is.EqualTo("ttsaa"));
        Assert.That(NaturalTtsDigits.SpeakerName(27), Is.EqualTo("ttsbb"));
        Assert.That(NaturalTtsDigits.SpeakerName(675), Is.EqualTo("ttszz"));
        Assert.Throws<ArgumentOutOfRangeException>(() => NaturalTtsDigits.SpeakerName(676));
        Assert.That(NaturalTtsDigits.SpeakerName(3), Does.Not.StartWith("espeak"));
    }

    [Test]
    public void NoVoiceIsAClearError()
    {
        using var temp = new TempFiles();
        var e = Assert.Throws<InvalidOperationException>(() =>
            NaturalTtsDigits.Synthesize(temp.Folder, 1, 1, 3, Array.Empty<TtsVoice>()));
        Assert.That(e!.Message, Does.Contain("apt-get install flite"));
    }

    [Test]
    public void AFolderMadeWithOtherVoicesIsRefusedBeforeAnythingIsWritten()
    {
        using var temp = new TempFiles();
        string list = Path.Combine(temp.Folder, NaturalTtsDigits.SpeakerList);
        File.WriteAllText(list, "# speaker\tvoice\tpitch_cents\ttempo\nttsaa\tflite:rms\t0\t1.000\n");

        var e = Assert.Throws<InvalidOperationException>(() =>
            NaturalTtsDigits.Synthesize(temp.Folder, 1, 1, 3, new[] { new TtsVoice(TtsVoice.Flite, "other") }));
        Assert.That(e!.Message, Does.Contain("ttsaa").And.Contain("flite:rms"));
        Assert.That(Directory.EnumerateFiles(temp.Folder, "*.wav"), Is.Empty);
    }

    [Test]
    public void VoiceIdsRoundTrip()
    {
        var voice = TtsVoice.Parse("festival:cmu_us_slt_arctic_hts");
        Assert.That(voice, Is.EqualTo(new TtsVoice(TtsVoice.Festival, "cmu_us_slt_arctic_hts")));
        Assert.That(voice.Id, Is.EqualTo("festival:cmu_us_slt_arctic_hts"));
        Assert.Throws<FormatException>(() => TtsVoice.Parse("slt"));
    }

    // Needs sox and at least one voice. One speaker of the first voice of each installed engine,
    // one take, so both engines are exercised in a few seconds.
    [Test]
    public void WritesTrimmedAudibleClipsOfEachInstalledEngineReadAt8Khz()
    {
        var voices = TtsVoice.Installed().GroupBy(v => v.Engine).Select(g => g.First()).ToArray();
        if (voices.Length == 0 || !File.Exists("/usr/bin/sox"))
        {
            Assert.Ignore("needs sox and flite or festival with an English voice " +
                "(training-time dependency only; apt-get install sox flite)");
        }

        using var temp = new TempFiles();
        var digits = NaturalTtsDigits.Synthesize(temp.Folder, voices.Length, takes: 1, seed: 3, voices);
        Assert.That(digits.Clips, Has.Count.EqualTo(10 * voices.Length));
        foreach (var clip in digits.Clips)
        {
            float[] samples = digits.Samples(clip);
            double seconds = samples.Length / (double)FsddDigits.SampleRate;

            // Digit words trimmed to 30 ms of silence each side: FSDD's own clips are 0.3-0.8 s.
            Assert.That(seconds, Is.InRange(0.2, 1.3), clip.Path);
            Assert.That(Signals.Rms(samples), Is.GreaterThan(0.02), clip.Path);
        }

        string[] listed = File.ReadAllLines(Path.Combine(temp.Folder, NaturalTtsDigits.SpeakerList));
        Assert.That(listed.Skip(1).Select(l => l.Split('\t')[1]), Is.EquivalentTo(voices.Select(v => v.Id)));

        // A rerun with the same seed keeps the files (nothing is synthesised again).
        var stamp = File.GetLastWriteTimeUtc(digits.Clips[0].Path);
        NaturalTtsDigits.Synthesize(temp.Folder, voices.Length, takes: 1, seed: 3, voices);
        Assert.That(File.GetLastWriteTimeUtc(digits.Clips[0].Path), Is.EqualTo(stamp));
    }
}
