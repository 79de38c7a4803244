using Pipelines.Speech.Data;
using Pipelines.Speech.Tests.Support;

namespace Pipelines.Speech.Tests.Data;

public sealed class EspeakDigitsTests
{
    [Test]
    public void WritesAnFsddStyleFolderOfTenDigitsPerTakeReadAt8Khz()
    {
        if (!File.Exists("/usr/bin/espeak-ng") && !File.Exists("/usr/local/bin/espeak-ng"))
        {
            Assert.Inconclusive("espeak-ng is not installed (training-time dependency only)");
        }

        using var temp = new TempFiles();
        var digits = EspeakDigits.Synthesize(temp.Folder, speakers: 1, takes: 1, seed: 3);
        Assert.That(digits.Clips, Has.Count.EqualTo(10));
        Assert.That(digits.Speakers, Is.EqualTo(new[] { "espeakaa" }));
        Assert.That(digits.Clips.Select(c => c.Digit), Is.EqualTo(Enumerable.Range(0, 10)));
        foreach (var clip in digits.Clips)
        {
            float[] samples = digits.Samples(clip);
            double seconds = samples.Length / (double)FsddDigits.SampleRate;
            Assert.That(seconds, Is.InRange(0.2, 2.0), clip.Path);
            Assert.That(Signals.Rms(samples), Is.GreaterThan(0.01), clip.Path);
        }

        // A rerun with the same seed keeps the files (nothing is synthesised again).
        var stamp = File.GetLastWriteTimeUtc(digits.Clips[0].Path);
        EspeakDigits.Synthesize(temp.Folder, speakers: 1, takes: 1, seed: 3);
        Assert.That(File.GetLastWriteTimeUtc(digits.Clips[0].Path), Is.EqualTo(stamp));
    }

    [Test]
    public void AccentedSpeakersReadEveryPronunciationAndShareAFolderWithPlainOnes()
    {
        if (!File.Exists("/usr/bin/espeak-ng") && !File.Exists("/usr/local/bin/espeak-ng"))
        {
            Assert.Inconclusive("espeak-ng is not installed (training-time dependency only)");
        }

        // Each pronunciation must come out of espeak-ng as written (less stress and aspiration
        // marks): a mnemonic it does not know, or one it rewrites, shows up here and would not
        // in a length check of the audio.
        using var temp = new TempFiles();
        for (int digit = 0; digit < EspeakDigits.Pronunciations.Count; digit++)
        {
            foreach (string phonemes in EspeakDigits.Pronunciations[digit])
            {
                string spoken = ExternalPhonemes($"[[{phonemes}]]");
                Assert.That(Bare(spoken), Is.EqualTo(Bare(phonemes)), phonemes);
            }
        }

        EspeakDigits.Synthesize(temp.Folder, speakers: 1, takes: 1, seed: 3);
        var both = EspeakDigits.Synthesize(temp.Folder, speakers: 2, takes: 1, seed: 4, accented: true);
        Assert.That(both.Speakers, Is.EquivalentTo(new[] { "espeakaa", "accentaa", "accentab" }));
        Assert.That(both.Clips, Has.Count.EqualTo(30));
        foreach (var clip in both.Clips.Where(c => c.Speaker.StartsWith("accent", StringComparison.Ordinal)))
        {
            double seconds = both.Samples(clip).Length / (double)FsddDigits.SampleRate;
            Assert.That(seconds, Is.InRange(0.15, 2.0), clip.Path);
        }
    }

    // Phonemes without stress marks and espeak-ng's aspiration mark '#'.
    private static string Bare(string phonemes) =>
        new(phonemes.Where(c => c is not ('\'' or ',' or '#')).ToArray());

    // What espeak-ng makes of a text in US English, as its phoneme mnemonics.
    private static string ExternalPhonemes(string text)
    {
        var start = new System.Diagnostics.ProcessStartInfo("espeak-ng")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "-q", "-x", "-v", "en-us", text })
        {
            start.ArgumentList.Add(a);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }
}
