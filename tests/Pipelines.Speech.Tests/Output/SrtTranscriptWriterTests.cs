using Pipelines.Speech.Decoding;
using Pipelines.Speech.Output;

namespace Pipelines.Speech.Tests.Output;

public sealed class SrtTranscriptWriterTests
{
    [Test]
    public void OneCuePerShortSegment()
    {
        // A cue starts at its first word and lasts to its segment's end.
        string srt = SrtTranscriptWriter.Render(SampleTranscripts.TwoSegments(), new AudioInfo("a.wav", 6.5));

        Assert.That(srt, Is.EqualTo(
            "1\n00:00:00,620 --> 00:00:03,200\nhello world\n\n" +
            "2\n00:00:04,100 --> 00:00:06,000\nhow are you\n"));
    }

    [Test]
    public void LongSegmentsSplitAtSevenSecondsAndWrapAt42Characters()
    {
        // Twelve words a second apart: words 0-6 end by 6.5 s, word 7 would stretch the cue to 7.5 s.
        // Six 6-letter words fill 41 columns, so the seventh wraps to a second line.
        var words = Enumerable.Range(0, 12).Select(i => new TranscriptWord($"word{i:D2}", i, i + 0.5, 1)).ToArray();
        var transcript = SampleTranscripts.Of(SampleTranscripts.Segment(0, 20, words));

        string srt = SrtTranscriptWriter.Render(transcript, new AudioInfo("a.wav", 20));

        // The second cue is cut at 7 s after its start rather than running on to the segment's end.
        Assert.That(srt, Is.EqualTo(
            "1\n00:00:00,000 --> 00:00:07,000\nword00 word01 word02 word03 word04 word05\nword06\n\n" +
            "2\n00:00:07,000 --> 00:00:14,000\nword07 word08 word09 word10 word11\n"));
    }

    [Test]
    public void HourLongTimesAndAWordPastTheEnd()
    {
        // The segment runs to 3730 s but the audio ends at 3729.5 s.
        var transcript = SampleTranscripts.Of(
            SampleTranscripts.Segment(3725, 3730, new TranscriptWord("hour", 3725.4567, 3726.0004, 1)));

        string srt = SrtTranscriptWriter.Render(transcript, new AudioInfo("long.wav", 3729.5));

        Assert.That(srt, Is.EqualTo("1\n01:02:05,457 --> 01:02:09,500\nhour\n"));
    }

    [Test]
    public void OverlappingSegmentsGiveCuesThatDoNotOverlap()
    {
        var transcript = SampleTranscripts.Of(
            SampleTranscripts.Segment(0, 5, new TranscriptWord("a", 1, 2, 1)),
            SampleTranscripts.Segment(4, 6, new TranscriptWord("b", 4.5, 5, 1)));

        IReadOnlyList<SubtitleCue> cues = SubtitleCueBuilder.Build(transcript, 10);

        Assert.That(cues.Select(c => (c.StartMs, c.EndMs)), Is.EqualTo(new[] { (1000L, 5000L), (5000L, 6000L) }));
    }

    // A model's vocabulary can hold any character: "-->" in a cue made SubRip readers take the text
    // line for a timing line, and a word holding a blank line ended the cue half-way.
    [Test]
    public void ArrowsAndLineBreaksInWordsCannotBreakACue()
    {
        var transcript = SampleTranscripts.Of(SampleTranscripts.Segment(0, 3,
            new TranscriptWord("a-->b", 0.1, 0.5, 1), new TranscriptWord("--->", 0.6, 0.9, 1),
            new TranscriptWord("line\n\nbreak", 1.0, 1.5, 1), new TranscriptWord("\r\n", 1.6, 1.8, 1),
            new TranscriptWord("<i>&", 1.9, 2.0, 1)));

        string srt = SrtTranscriptWriter.Render(transcript, new AudioInfo("a.wav", 3));

        Assert.That(srt, Is.EqualTo("1\n00:00:00,100 --> 00:00:03,000\na-- >b --- > line break <i>&\n"));
    }

    [Test]
    public void EveryCueOfNastyWordsParsesBack()
    {
        string[] nasty = ["-->", "x\r", "\u2028", "\n\n-->\n\n", "1", "00:00:01,000 --> 00:00:02,000", "\0", " "];
        var words = nasty.Select((w, i) => new TranscriptWord(w, i * 2, i * 2 + 1, 1)).ToArray();
        var transcript = SampleTranscripts.Of(SampleTranscripts.Segment(0, 20, words));

        string srt = SrtTranscriptWriter.Render(transcript, new AudioInfo("a.wav", 20));

        // What a reader does: cues split at blank lines, then number, timing, text lines.
        foreach (string cue in srt.TrimEnd('\n').Split("\n\n"))
        {
            string[] lines = cue.Split('\n');
            Assert.That(lines[0], Does.Match("^[0-9]+$"), srt);
            Assert.That(lines[1], Does.Match("^[0-9:,]+ --> [0-9:,]+$"), srt);
            Assert.That(lines.Skip(2), Is.Not.Empty.And.All.Not.Contain("-->").And.All.Not.Contain("\r"), srt);
            Assert.That(lines.Skip(2), Has.None.Matches(@"^\s*$"), srt);
        }
    }

    [Test]
    public void EmptyTranscriptGivesAnEmptyFile() =>
        Assert.That(SrtTranscriptWriter.Render(Transcript.Empty, new AudioInfo("a.wav", 3)), Is.Empty);
}
