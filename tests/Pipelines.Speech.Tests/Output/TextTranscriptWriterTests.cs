using Pipelines.Speech.Decoding;
using Pipelines.Speech.Output;

namespace Pipelines.Speech.Tests.Output;

public sealed class TextTranscriptWriterTests
{
    [Test]
    public void WritesTheWordsOnOneLine() =>
        Assert.That(
            TextTranscriptWriter.Render(SampleTranscripts.TwoSegments()), Is.EqualTo("hello world how are you\n"));

    [Test]
    public void EmptyTranscriptGivesAnEmptyFile() =>
        Assert.That(TextTranscriptWriter.Render(Transcript.Empty), Is.EqualTo(string.Empty));
}
