using Pipelines.Speech.Data;
using Pipelines.Speech.Tests.Support;

namespace Pipelines.Speech.Tests.Data;

public sealed class SpeechManifestTests
{
    [Test]
    public void ReadsRowsWithPathsRelativeToTheManifest()
    {
        using var temp = new TempFiles();
        Directory.CreateDirectory(Path.Combine(temp.Folder, "clips"));
        temp.Write("clips/a.wav", new byte[] { 0 });
        string absolute = temp.Write("b.wav", new byte[] { 0 });
        string manifest = temp.Write("train.tsv", System.Text.Encoding.UTF8.GetBytes(
            $"clips/a.wav\tseven two\r\n\n{absolute}\t  hello world \n"));

        var entries = SpeechManifest.Read(manifest);
        string relative = Path.Combine(temp.Folder, "clips", "a.wav");
        Assert.That(entries.Select(e => e.AudioPath), Is.EqualTo(new[] { relative, absolute }));
        Assert.That(entries.Select(e => e.Transcript), Is.EqualTo(new[] { "seven two", "hello world" }));
        Assert.That(entries.Select(e => e.Line), Is.EqualTo(new[] { 1, 3 }));
    }

    [Test]
    public void EveryBadRowIsReportedWithItsLineAndReason()
    {
        var lines = new[]
        {
            "good.wav\tone", "no tab here", "two\ttabs\there", "\tno path", "empty.wav\t  ", "missing.wav\tsix",
            "clips\tseven",
        };
        using var temp = new TempFiles();
        Directory.CreateDirectory(Path.Combine(temp.Folder, "clips"));
        temp.Write("good.wav", new byte[] { 0 });
        temp.Write("empty.wav", new byte[] { 0 });
        var ex = Assert.Throws<InvalidDataException>(
            () => SpeechManifest.Parse(lines, temp.Folder, "m.tsv", requireAudio: true));
        string[] reported = ex!.Message.Split('\n')[1..];
        Assert.That(ex.Message, Does.StartWith("6 bad row(s) in m.tsv"));
        Assert.That(reported, Has.Length.EqualTo(6));
        Assert.That(reported[0], Does.StartWith("m.tsv:2: no tab").And.Contain("no tab here"));
        Assert.That(reported[1], Is.EqualTo("m.tsv:3: 2 tabs, expected exactly 1, in 'two\\ttabs\\there'"));
        Assert.That(reported[2], Does.StartWith("m.tsv:4: empty audio path"));
        Assert.That(reported[3], Does.StartWith("m.tsv:5: empty transcript for 'empty.wav'"));
        Assert.That(reported[4], Does.StartWith("m.tsv:6: audio file 'missing.wav' not found"));
        Assert.That(reported[5], Is.EqualTo("m.tsv:7: 'clips' is a folder, not an audio file"));
    }

    [Test]
    public void MissingOrEmptyManifestsAreClearErrors()
    {
        using var temp = new TempFiles();
        string none = Path.Combine(temp.Folder, "x.tsv");
        var missing = Assert.Throws<FileNotFoundException>(() => SpeechManifest.Read(none));
        Assert.That(missing!.Message, Does.Contain("x.tsv").And.Contain("does not exist"));
        string empty = temp.Write("empty.tsv", System.Text.Encoding.UTF8.GetBytes("\n\n"));
        var ex = Assert.Throws<InvalidDataException>(() => SpeechManifest.Read(empty));
        Assert.That(ex!.Message, Does.Contain("lists no utterances"));
    }

    [Test]
    public void BinaryOrNonUtf8FilesAreRefusedAsNotText_WithTheLine()
    {
        using var temp = new TempFiles();
        // A NUL inside a row that has one tab used to reach Path.GetFullPath, which threw
        // "Null character in path".
        string binary = temp.Write("clip.wav", "RIFF\0\0\0\0WAVE\tfmt \0\0"u8.ToArray());
        string latin1 = temp.Write("latin1.tsv", [.. "a.wav\tone\nb.wav\tcaf"u8, 0xE9, (byte)'\n']);

        var nul = Assert.Throws<InvalidDataException>(() => SpeechManifest.Read(binary, requireAudio: false));
        var bad = Assert.Throws<InvalidDataException>(() => SpeechManifest.Read(latin1, requireAudio: false));
        var parsed = Assert.Throws<InvalidDataException>(
            () => SpeechManifest.Parse(["a.wav\tone", "b\0.wav\ttwo"], temp.Folder, "m.tsv"));

        Assert.That(nul!.Message, Does.StartWith($"{binary}:1: not a text manifest (").And.Contain("NUL"));
        Assert.That(bad!.Message, Does.StartWith($"{latin1}:2: not a text manifest (").And.Contain("UTF-8"));
        Assert.That(parsed!.Message, Does.StartWith("m.tsv:2: not a text manifest ("));
        Assert.That(new[] { nul.Message, bad.Message, parsed.Message }, Has.None.Contain("\n"));
    }
}
