using Pipelines.Speech.Decoding;
using Pipelines.Speech.Output;

namespace Pipelines.Speech.Tests.Output;

public sealed class VttTranscriptWriterTests
{
    [Test]
    public void HeaderThenOneCuePerShortSegment()
    {
        string vtt = VttTranscriptWriter.Render(SampleTranscripts.TwoSegments(), new AudioInfo("a.wav", 6.5));

        Assert.That(vtt, Is.EqualTo(
            "WEBVTT\n\n00:00:00.620 --> 00:00:03.200\nhello world\n\n00:00:04.100 --> 00:00:06.000\nhow are you\n"));
    }

    [Test]
    public void ACueHoldsTwoLinesAtMost()
    {
        // 20-letter words: two fill a 41-column line, so the fifth word needs a third line and a new cue.
        var words = Enumerable.Range(0, 5)
            .Select(i => new TranscriptWord(new string((char)('a' + i), 20), i * 0.2, i * 0.2 + 0.15, 1)).ToArray();
        var transcript = SampleTranscripts.Of(SampleTranscripts.Segment(0, 2, words));

        string vtt = VttTranscriptWriter.Render(transcript, new AudioInfo("a.wav", 2));

        string a = new('a', 20), b = new('b', 20), c = new('c', 20), d = new('d', 20), e = new('e', 20);
        Assert.That(vtt, Is.EqualTo(
            $"WEBVTT\n\n00:00:00.000 --> 00:00:00.800\n{a} {b}\n{c} {d}\n\n00:00:00.800 --> 00:00:02.000\n{e}\n"));
    }

    [Test]
    public void EscapesMarkupCharacters()
    {
        var word = new TranscriptWord("<b>&-->", 0.1, 0.2, 1);
        var transcript = SampleTranscripts.Of(SampleTranscripts.Segment(0, 1, word));

        string vtt = VttTranscriptWriter.Render(transcript, new AudioInfo("a.wav", 1));

        Assert.That(vtt, Is.EqualTo("WEBVTT\n\n00:00:00.100 --> 00:00:01.000\n&lt;b&gt;&amp;--&gt;\n"));
    }

    // A blank line ends a WebVTT cue, so a word holding one cut the cue and the rest of its text
    // became a broken cue of its own; a word of nothing but line breaks gave an empty line.
    [Test]
    public void LineBreaksInWordsStayInsideTheCue()
    {
        var transcript = SampleTranscripts.Of(SampleTranscripts.Segment(0, 1,
            new TranscriptWord("one\n\n-->", 0.1, 0.2, 1), new TranscriptWord("\r\n", 0.3, 0.4, 1),
            new TranscriptWord("two\u2028three", 0.5, 0.6, 1)));

        string vtt = VttTranscriptWriter.Render(transcript, new AudioInfo("a.wav", 1));

        Assert.That(vtt, Is.EqualTo("WEBVTT\n\n00:00:00.100 --> 00:00:01.000\none --&gt; two three\n"));
    }

    [Test]
    public void EmptyTranscriptGivesTheHeaderAlone() =>
        Assert.That(VttTranscriptWriter.Render(Transcript.Empty, new AudioInfo("a.wav", 3)), Is.EqualTo("WEBVTT\n"));

    [Test]
    public void HoursGrowPastTwoDigits()
    {
        Assert.That(SubtitleTime.Format(360_000_000 + 61_001, '.'), Is.EqualTo("100:01:01.001"));
        Assert.That(SubtitleTime.ToMilliseconds(1.0005), Is.EqualTo(1001));
        Assert.That(SubtitleTime.ToMilliseconds(-0.2), Is.Zero);
    }
}
