using Pipelines.Speech.Decoding;

namespace Pipelines.Speech.Tests.Decoding;

public sealed class CtcTranscriberTests
{
    private static readonly CtcVocabulary Chars =
        CtcVocabulary.Characters(new[] { "_", "|", "h", "i", "y", "o" }, 0, "|");

    // _ h h i _ | y o o _ : "hi" on frames [1, 4), "yo" on frames [6, 9).
    private static LogProbMatrix HiYo() => CtcTestMatrices.Peaks(6,
        (0, .9), (2, .8), (2, .9), (3, .7), (0, .9), (1, .8), (4, .6), (5, .9), (5, .5), (0, .9));

    private static IEnumerable<ICtcDecoder> Decoders()
    {
        yield return new GreedyCtcDecoder(0);
        yield return new CtcPrefixBeamSearch(Chars, new CtcBeamSearchOptions { BeamWidth = 8 });
    }

    [TestCaseSource(nameof(Decoders))]
    public void WordsCarryAlignmentTimesAndGeometricMeanConfidence(ICtcDecoder decoder)
    {
        var timing = new FrameTiming(0.02, Offset: 10);

        Transcript transcript = new CtcTranscriber(decoder, Chars).Transcribe(HiYo(), timing);

        Assert.That(transcript.Text, Is.EqualTo("hi yo"));
        Assert.That(transcript.Words, Has.Count.EqualTo(2));
        AssertWord(transcript.Words[0], "hi", 10.02, 10.08, Math.Cbrt(.8 * .9 * .7));
        AssertWord(transcript.Words[1], "yo", 10.12, 10.18, Math.Cbrt(.6 * .9 * .5));
        TranscriptSegment segment = transcript.Segments.Single();
        Assert.That(segment.Start, Is.EqualTo(10.0).Within(1e-9));
        Assert.That(segment.End, Is.EqualTo(10.2).Within(1e-9));
        Assert.That(segment.Text, Is.EqualTo("hi yo"));
    }

    [Test]
    public void AWordOnTheLastFrameEndsAtTheSegmentEnd()
    {
        // _ a : the word runs to the end of the last frame, 0.5 + 2 * 0.04 = 0.58 s.
        var vocabulary = CtcVocabulary.Words(new[] { "<b>", "seven" }, 0);
        var m = CtcTestMatrices.Peaks(2, (0, .9), (1, .8));

        Transcript transcript = new CtcTranscriber(new GreedyCtcDecoder(0), vocabulary)
            .Transcribe(m, new FrameTiming(0.04, 0.5));

        AssertWord(transcript.Words.Single(), "seven", 0.54, 0.58, .8);
        Assert.That(transcript.Words[0].End, Is.LessThanOrEqualTo(transcript.Segments[0].End));
    }

    [Test]
    public void AGivenSegmentEndClampsWordsAndSegment()
    {
        // Frames run to 0.58 s but the voice-activity segment (and the audio) ends at 0.555 s.
        var vocabulary = CtcVocabulary.Words(new[] { "<b>", "seven" }, 0);
        var m = CtcTestMatrices.Peaks(2, (0, .9), (1, .8));
        var transcriber = new CtcTranscriber(new GreedyCtcDecoder(0), vocabulary);

        Transcript transcript = transcriber.Transcribe(m, new FrameTiming(0.04, 0.5), segmentEnd: 0.555);

        AssertWord(transcript.Words.Single(), "seven", 0.54, 0.555, .8);
        Assert.That(transcript.Segments[0].End, Is.EqualTo(0.555));
        Assert.Throws<ArgumentException>(() => transcriber.Transcribe(m, new FrameTiming(0.04, 0.5), segmentEnd: 0.4));
    }

    [Test]
    public void WordModelsMakeOneWordPerToken()
    {
        var vocabulary = CtcVocabulary.Words(new[] { "<b>", "one", "two" }, 0);
        var m = CtcTestMatrices.Peaks(3, (1, .9), (2, .9), (0, .9), (2, .9));

        Transcript transcript = new CtcTranscriber(new GreedyCtcDecoder(0), vocabulary)
            .Transcribe(m, new FrameTiming(0.1));

        // The blank at frame 2 makes the two "two" runs two words.
        Assert.That(transcript.Words.Select(w => w.Text), Is.EqualTo(new[] { "one", "two", "two" }));
        Assert.That(transcript.Words.Select(w => w.Start), Is.EqualTo(new[] { 0.0, 0.1, 0.3 }).Within(1e-9));
        Assert.That(transcript.Words.Select(w => w.End), Is.EqualTo(new[] { 0.1, 0.2, 0.4 }).Within(1e-9));
    }

    [Test]
    public void SilenceGivesAnEmptyTranscript()
    {
        var m = CtcTestMatrices.Peaks(6, (0, .9), (1, .9), (0, .9));

        Transcript transcript = new CtcTranscriber(new GreedyCtcDecoder(0), Chars).Transcribe(m, new FrameTiming(0.02));

        // A lone separator is no word, and a segment without words is dropped.
        Assert.That(transcript.Text, Is.Empty);
        Assert.That(transcript.Words, Is.Empty);
        Assert.That(transcript.Segments, Is.Empty);
    }

    [Test]
    public void MergeOrdersSegmentsDecodedAtDifferentOffsets()
    {
        var transcriber = new CtcTranscriber(new GreedyCtcDecoder(0), Chars);
        var yo = CtcTestMatrices.Peaks(6, (4, .9), (5, .9));

        Transcript late = transcriber.Transcribe(yo, new FrameTiming(0.02, 62.5));
        Transcript early = transcriber.Transcribe(HiYo(), new FrameTiming(0.02, 1.0));
        Transcript merged = Transcript.Merge(new[] { late, early });

        Assert.That(merged.Text, Is.EqualTo("hi yo yo"));
        Assert.That(merged.Segments.Select(s => s.Start), Is.EqualTo(new[] { 1.0, 62.5 }));
        Assert.That(merged.Words.Select(w => w.Start), Is.Ordered);
        Assert.That(merged.Words[2].Start, Is.EqualTo(62.5));
        Assert.That(merged.Words[2].End, Is.EqualTo(62.54).Within(1e-9));
        Assert.That(merged.Words[0].Start, Is.EqualTo(1.02).Within(1e-9));
    }

    [Test]
    public void RejectsBadTimingAndVocabularySize()
    {
        var transcriber = new CtcTranscriber(new GreedyCtcDecoder(0), Chars);

        Assert.Throws<ArgumentException>(() => transcriber.Transcribe(HiYo(), new FrameTiming(0)));
        Assert.Throws<ArgumentException>(() => transcriber.Transcribe(HiYo(), new FrameTiming(0.02, -1)));
        LogProbMatrix threeClasses = CtcTestMatrices.Peaks(3, (0, .9));
        Assert.Throws<ArgumentException>(() => transcriber.Transcribe(threeClasses, new FrameTiming(0.02)));
    }

    private static void AssertWord(TranscriptWord word, string text, double start, double end, double confidence)
    {
        Assert.That(word.Text, Is.EqualTo(text));
        Assert.That(word.Start, Is.EqualTo(start).Within(1e-9), text);
        Assert.That(word.End, Is.EqualTo(end).Within(1e-9), text);

        // Log-probabilities are stored as float, hence the 1e-6.
        Assert.That(word.Confidence, Is.EqualTo(confidence).Within(1e-6), text);
    }
}
