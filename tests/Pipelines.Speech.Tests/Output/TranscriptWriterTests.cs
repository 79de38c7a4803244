using Pipelines.Speech.Decoding;
using Pipelines.Speech.Output;

namespace Pipelines.Speech.Tests.Output;

public sealed class TranscriptWriterTests
{
    private string _folder = string.Empty;

    [SetUp]
    public void CreateFolder() =>
        _folder = Directory.CreateTempSubdirectory("speech-writer-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [TestCase("txt", TranscriptFormat.Text, ".txt")]
    [TestCase("JSON", TranscriptFormat.Json, ".json")]
    [TestCase("srt", TranscriptFormat.Srt, ".srt")]
    [TestCase(" vtt ", TranscriptFormat.Vtt, ".vtt")]
    public void WritesEachFormatAtomicallyIntoANewFolder(string name, TranscriptFormat format, string extension)
    {
        TranscriptFormat parsed = TranscriptWriter.ParseFormat(name);
        Transcript transcript = SampleTranscripts.TwoSegments();
        var audio = new AudioInfo("a.wav", 6.5);
        string path = Path.Combine(_folder, "out", "a" + TranscriptWriter.Extension(parsed));

        TranscriptWriter.Write(path, parsed, transcript, audio);

        Assert.That(parsed, Is.EqualTo(format));
        Assert.That(path, Does.EndWith(extension));
        Assert.That(File.ReadAllText(path), Is.EqualTo(TranscriptWriter.Render(format, transcript, audio)));
        Assert.That(File.ReadAllText(path), Does.Contain("how are you"));

        // Only the target remains: no temporary file is left behind.
        Assert.That(Directory.GetFiles(Path.Combine(_folder, "out")), Has.Length.EqualTo(1));
    }

    [Test]
    public void UnknownFormatNamesTheValue()
    {
        var error = Assert.Throws<ArgumentException>(() => TranscriptWriter.ParseFormat("docx"));
        Assert.That(error!.Message, Does.Contain("'docx'"));
    }
}
