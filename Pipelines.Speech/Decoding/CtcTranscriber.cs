namespace Pipelines.Speech.Decoding;

/// <summary>
/// Decodes one segment's log-probabilities into a <see cref="Transcript"/>: a decoder picks the
/// labels, <see cref="CtcForcedAligner"/> places them in time (the Viterbi path of the chosen
/// labels, for greedy and beam search alike), <see cref="CtcWordBuilder"/> makes the words.
/// </summary>
/// <example>
/// <code>
/// var transcriber = new CtcTranscriber(new CtcPrefixBeamSearch(vocabulary), vocabulary);
/// Transcript part = transcriber.Transcribe(logProbs, new FrameTiming(0.02, offset: 31.5));
/// Transcript file = Transcript.Merge(parts);
/// </code>
/// </example>
public sealed class CtcTranscriber
{
    private readonly ICtcDecoder _decoder;
    private readonly CtcVocabulary _vocabulary;

    /// <summary>Decodes with <paramref name="decoder"/>; <paramref name="vocabulary"/> spells the words.</summary>
    public CtcTranscriber(ICtcDecoder decoder, CtcVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(vocabulary);
        _decoder = decoder;
        _vocabulary = vocabulary;
    }

    /// <summary>Decodes one segment; the result holds one segment, or none when nothing was said.</summary>
    /// <param name="logProbs">[time, vocab] log-probabilities of the segment.</param>
    /// <param name="timing">Frame duration and the segment's offset in the file.</param>
    /// <param name="segmentEnd">
    /// Where the segment ends in the file (e.g. the voice-activity segment's end) when that is
    /// before the end of its last frame, which padding can push past the audio; words are clamped
    /// to it. Null: the end of the last frame.
    /// </param>
    /// <param name="members">
    /// When <paramref name="logProbs"/> merges several outputs of the same audio, those outputs: the
    /// transcript is then chosen by <see cref="CtcRescoring"/> and aligned on
    /// <paramref name="logProbs"/> for its times. Null: decoded from <paramref name="logProbs"/> alone.
    /// </param>
    public Transcript Transcribe(LogProbMatrix logProbs, FrameTiming timing, double? segmentEnd = null,
        IReadOnlyList<LogProbMatrix>? members = null)
    {
        timing.Validate();
        if (logProbs.Vocab != _vocabulary.Count)
        {
            throw new ArgumentException(
                $"log-probabilities have {logProbs.Vocab} classes but the vocabulary has {_vocabulary.Count}",
                nameof(logProbs));
        }

        double end = Math.Min(timing.At(logProbs.Time), segmentEnd ?? double.PositiveInfinity);
        if (!(end >= timing.Offset))
        {
            throw new ArgumentException(
                $"segment end {segmentEnd} s is before its start {timing.Offset} s", nameof(segmentEnd));
        }

        int[] labels = members is null
            ? _decoder.Decode(logProbs)
            : CtcRescoring.Decode(_decoder, logProbs, members, _vocabulary.Blank);
        CtcTokenSpan[] spans = CtcForcedAligner.Align(logProbs, labels, _vocabulary.Blank);
        TranscriptWord[] words = CtcWordBuilder.Build(spans, _vocabulary, timing, end);
        var segment = new TranscriptSegment(timing.Offset, end, string.Join(" ", words.Select(w => w.Text)), words);
        return new Transcript(new[] { segment });
    }
}
