using Pipelines.Speech.Decoding;
using Pipelines.Speech.Output;

namespace Pipelines.Speech.Tests.Output;

public sealed class TextTranscriptWriterTests
{
    [Test]
    public void WritesTheWordsOnOneLine() =>
        Assert.That(
            TextTranscriptWriter.Render(SampleTranscripts.TwoSegments()), Is.EqualTo("hello world how are you\n"));

    // A word holding a line break (a user-trained vocabulary can) split the one-line file.
    [Test]
    public void LineBreaksInWordsKeepOneLine()
    {
        var transcript = SampleTranscripts.Of(SampleTranscripts.Segment(0, 1,
            new TranscriptWord("a\nb", 0.1, 0.2, 1), new TranscriptWord("\r\n", 0.3, 0.4, 1),
            new TranscriptWord("c", 0.5, 0.6, 1)));

        Assert.That(TextTranscriptWriter.Render(transcript), Is.EqualTo("a b c\n"));
    }

    [Test]
    public void EmptyTranscriptGivesAnEmptyFile() =>
        Assert.That(TextTranscriptWriter.Render(Transcript.Empty), Is.EqualTo(string.Empty));
}
