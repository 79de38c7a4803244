using System.Text.Json;
using Pipelines.Speech.Decoding;
using Pipelines.Speech.Output;

namespace Pipelines.Speech.Tests.Output;

public sealed class JsonTranscriptWriterTests
{
    [Test]
    public void WritesTheIssueShapeRoundedToMilliseconds()
    {
        var audio = new AudioInfo("clips/a.wav", 6.5004);
        string json = JsonTranscriptWriter.Render(SampleTranscripts.TwoSegments(), audio);

        // 0.91234 -> 0.912 and 0.99951 -> 1 (three decimals); the duration 6.5004 -> 6.5.
        Assert.That(json, Is.EqualTo(
            """
            {
              "file": "clips/a.wav",
              "duration": 6.5,
              "text": "hello world how are you",
              "words": [
                {
                  "text": "hello",
                  "start": 0.62,
                  "end": 0.9,
                  "confidence": 0.912
                },
                {
                  "text": "world",
                  "start": 1.1,
                  "end": 1.45,
                  "confidence": 0.8
                },
                {
                  "text": "how",
                  "start": 4.1,
                  "end": 4.3,
                  "confidence": 0.5
                },
                {
                  "text": "are",
                  "start": 4.35,
                  "end": 4.5,
                  "confidence": 1
                },
                {
                  "text": "you",
                  "start": 4.6,
                  "end": 4.9,
                  "confidence": 1
                }
              ]
            }

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void EmptyTranscriptHasNoWords()
    {
        string json = JsonTranscriptWriter.Render(Transcript.Empty, new AudioInfo("silence.wav", 2));

        using var document = JsonDocument.Parse(json);
        Assert.That(document.RootElement.GetProperty("file").GetString(), Is.EqualTo("silence.wav"));
        Assert.That(document.RootElement.GetProperty("duration").GetDouble(), Is.EqualTo(2));
        Assert.That(document.RootElement.GetProperty("text").GetString(), Is.Empty);
        Assert.That(document.RootElement.GetProperty("words").GetArrayLength(), Is.Zero);
    }

    [Test]
    public void WordsPastTheEndAreClampedAndTextIsNotEscapedNeedlessly()
    {
        var transcript = SampleTranscripts.Of(
            SampleTranscripts.Segment(6.0, 7.0, new TranscriptWord("café \"late\"", 6.2, 6.9, 0.75)));

        string json = JsonTranscriptWriter.Render(transcript, new AudioInfo("b.wav", 6.5));

        using var document = JsonDocument.Parse(json);
        JsonElement word = document.RootElement.GetProperty("words")[0];
        Assert.That(word.GetProperty("end").GetDouble(), Is.EqualTo(6.5));
        Assert.That(word.GetProperty("text").GetString(), Is.EqualTo("café \"late\""));
        Assert.That(json, Does.Contain("café \\\"late\\\""));
    }

    [Test]
    public void RejectsANegativeDuration() =>
        Assert.Throws<ArgumentException>(
            () => JsonTranscriptWriter.Render(Transcript.Empty, new AudioInfo("x.wav", -1)));
}
