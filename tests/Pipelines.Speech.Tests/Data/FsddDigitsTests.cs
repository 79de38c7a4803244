using Pipelines.Speech.Data;
using Pipelines.Speech.Tests.Support;
using Rnn.Core;

namespace Pipelines.Speech.Tests.Data;

public sealed class FsddDigitsTests
{
    private static FsddDigits Open() => FsddDigits.Open(TestData.Require("fsdd"));

    [Test]
    public void ListsEveryClipAndSplitsByRecordingAndBySpeaker()
    {
        var fsdd = Open();
        Assert.That(fsdd.Clips, Has.Count.EqualTo(2500));
        Assert.That(fsdd.Speakers, Is.EqualTo(new[] { "george", "jackson", "lucas", "nicolas", "yweweler" }));

        var (train, test) = FsddDigits.StandardSplit(fsdd.Clips);
        Assert.That(test, Has.Count.EqualTo(5 * 10 * 5));
        Assert.That(test.All(c => c.Index < 5) && train.All(c => c.Index >= 5), Is.True);

        var (others, held) = FsddDigits.LeaveOneSpeakerOut(fsdd.Clips, "lucas");
        Assert.That(held, Has.Count.EqualTo(500));
        Assert.That(held.All(c => c.Speaker == "lucas") && others.All(c => c.Speaker != "lucas"), Is.True);
        var ex = Assert.Throws<ArgumentException>(() => FsddDigits.LeaveOneSpeakerOut(fsdd.Clips, "alice"));
        Assert.That(ex!.Message, Does.Contain("'alice'").And.Contain("george"));
    }

    [Test]
    public void JoinedUtterancesHoldTheClipsInOrderWithGapsInRange()
    {
        var fsdd = Open();
        var clips = fsdd.Clips.Where(c => c.Speaker == "george" && c.Index == 3).ToArray();   // one per digit
        var options = new DigitSequenceOptions
        {
            MinGainDb = 0, MaxGainDb = 0, MaxNoiseStd = 0, MinSpeed = 1, MaxSpeed = 1,
        };
        var picked = new[] { clips[7], clips[0], clips[7] };
        var u = fsdd.Join(picked, options, new Rng(1));

        Assert.That(u.Transcript, Is.EqualTo("seven zero seven"));
        Assert.That(u.SampleRate, Is.EqualTo(8000));
        int speech = picked.Sum(c => fsdd.Samples(c).Length);
        int gaps = u.Samples.Length - speech;
        Assert.That(gaps, Is.InRange((int)(4 * 0.05 * 8000) - 4, (int)(4 * 0.6 * 8000)));
        // Without gain and noise the first clip appears verbatim after the first gap.
        float[] first = fsdd.Samples(picked[0]);
        int start = Array.FindIndex(u.Samples, s => s != 0f);
        int firstStart = Array.FindIndex(first, s => s != 0f);
        Assert.That(u.Samples.AsSpan(start, 50).ToArray(), Is.EqualTo(first.AsSpan(firstStart, 50).ToArray()));
    }

    [Test]
    public void RandomSequencesAreSeededAndWithinTheDigitCountAndLevelLimits()
    {
        var fsdd = Open();
        var pool = fsdd.Clips.Where(c => c.Speaker == "jackson" && c.Index < 2).ToArray();
        var options = new DigitSequenceOptions { MinDigits = 2, MaxDigits = 4 };
        var a = Enumerable.Range(0, 6).Select(_ => fsdd.JoinClips(pool, options, new Rng(5))).First();
        var again = fsdd.JoinClips(pool, options, new Rng(5));
        Assert.That(again.Samples, Is.EqualTo(a.Samples));
        Assert.That(again.Transcript, Is.EqualTo(a.Transcript));

        var rng = new Rng(6);
        for (int i = 0; i < 12; i++)
        {
            var u = fsdd.JoinClips(pool, options, rng);
            string[] words = u.Transcript.Split(' ');
            Assert.That(words, Has.Length.InRange(2, 4));
            Assert.That(words.All(FsddDigits.Words.Contains), Is.True, u.Transcript);
            Assert.That(u.Samples.Max(Math.Abs), Is.LessThanOrEqualTo(1f));
        }
    }

    [Test]
    public void TrimmingCutsEachEndByAtMostItsLimitAndKeepsTheMiddle()
    {
        var fsdd = Open();
        var clip = fsdd.Clips.First(c => c.Speaker == "lucas" && c.Digit == 8);
        var whole = new DigitSequenceOptions
        {
            MinGapSeconds = 0, MaxGapSeconds = 0, MinGainDb = 0, MaxGainDb = 0, MaxNoiseStd = 0,
        };
        int length = fsdd.Samples(clip).Length;
        Assert.That(fsdd.Join(new[] { clip }, whole, new Rng(1)).Samples, Has.Length.EqualTo(length));

        var trimmed = whole with { MaxTrimSeconds = 0.06 };
        var lengths = new HashSet<int>();
        for (ulong seed = 0; seed < 8; seed++)
        {
            float[] x = fsdd.Join(new[] { clip }, trimmed, new Rng(seed)).Samples;
            Assert.That(x.Length, Is.InRange(length - 2 * 480, length));
            // What is left is a contiguous piece of the clip, starting at most 480 samples in.
            float[] source = fsdd.Samples(clip);
            bool found = Enumerable.Range(0, Math.Min(481, length - x.Length + 1))
                .Any(at => source.AsSpan(at, x.Length).SequenceEqual(x));
            Assert.That(found, Is.True, $"seed {seed}");
            lengths.Add(x.Length);
        }

        Assert.That(lengths.Count, Is.GreaterThan(4), "the cuts are drawn per join");
        Assert.Throws<ArgumentException>(() => (whole with { MaxTrimSeconds = -0.1 }).Validate());
    }

    [Test]
    public void SpeedPerturbationChangesTheClipLengthByItsFactor()
    {
        var fsdd = Open();
        var clip = fsdd.Clips.First(c => c.Speaker == "yweweler");
        var still = new DigitSequenceOptions
        {
            MinGapSeconds = 0, MaxGapSeconds = 0, MinGainDb = 0, MaxGainDb = 0, MaxNoiseStd = 0,
        };
        int plain = fsdd.Join(new[] { clip }, still, new Rng(1)).Samples.Length;
        var faster = still with { MinSpeed = 1.25, MaxSpeed = 1.25 };
        int fast = fsdd.Join(new[] { clip }, faster, new Rng(1)).Samples.Length;
        int slow = fsdd.Join(new[] { clip }, still with { MinSpeed = 0.8, MaxSpeed = 0.8 }, new Rng(1)).Samples.Length;
        Assert.That(plain, Is.EqualTo(fsdd.Samples(clip).Length));
        Assert.That(fast, Is.EqualTo((int)(plain / 1.25)).Within(1));
        Assert.That(slow, Is.EqualTo((int)(plain / 0.8)).Within(1));
        Assert.Throws<ArgumentException>(() => (still with { MinSpeed = 0.3 }).Validate());
    }

    [Test]
    public void FolderWithoutClipsIsAClearError()
    {
        using var temp = new TempFiles();
        temp.Write("readme.wav", new byte[] { 0 });
        var ex = Assert.Throws<InvalidDataException>(() => FsddDigits.Open(temp.Folder));
        Assert.That(ex!.Message, Does.Contain("no FSDD clip"));
        Assert.Throws<DirectoryNotFoundException>(() => FsddDigits.Open(Path.Combine(temp.Folder, "none")));
        Assert.Throws<ArgumentException>(() => new DigitSequenceOptions { MinDigits = 3, MaxDigits = 2 }.Validate());
    }
}
