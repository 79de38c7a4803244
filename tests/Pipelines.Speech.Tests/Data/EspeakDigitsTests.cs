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
}
