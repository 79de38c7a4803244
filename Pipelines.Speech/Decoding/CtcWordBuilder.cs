namespace Pipelines.Speech.Decoding;

/// <summary>
/// Groups aligned tokens into words with times and confidences.
/// </summary>
/// <remarks>
/// A word starts at the first frame of its first token's run and ends after the last frame of
/// its last token's run (blank frames around it belong to no word), clamped to the segment's end.
/// Its confidence is the geometric mean of the per-frame posteriors over all frames of its
/// tokens' runs, exp(mean log p): one confidently wrong frame pulls it down more than an
/// arithmetic mean would, which is the behaviour wanted for flagging doubtful words.
/// </remarks>
public static class CtcWordBuilder
{
    /// <summary>Builds the words of <paramref name="spans"/> (as from <see cref="CtcForcedAligner"/>).</summary>
    /// <param name="spans">Aligned tokens in order, word separators included.</param>
    /// <param name="vocabulary">Token strings; tells character from word models.</param>
    /// <param name="timing">Frame duration and the segment's offset in the file.</param>
    /// <param name="segmentEnd">Seconds from the file's start where the segment ends; no word ends later.</param>
    public static TranscriptWord[] Build(
        IReadOnlyList<CtcTokenSpan> spans, CtcVocabulary vocabulary, FrameTiming timing, double segmentEnd)
    {
        ArgumentNullException.ThrowIfNull(spans);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var words = new List<TranscriptWord>();
        int first = 0;
        for (int i = 0; i <= spans.Count; i++)
        {
            bool boundary = i == spans.Count || vocabulary.Unit == TokenUnit.Word
                || vocabulary.IsSeparator(spans[i].Token);
            if (!boundary)
            {
                continue;
            }

            // Word models: every token is its own word, so the range is [i, i + 1).
            int last = vocabulary.Unit == TokenUnit.Word && i < spans.Count ? i + 1 : i;
            if (last > first)
            {
                words.Add(Word(spans, first, last, vocabulary, timing, segmentEnd));
            }

            first = i + 1;
        }

        return words.ToArray();
    }

    private static TranscriptWord Word(
        IReadOnlyList<CtcTokenSpan> spans, int first, int last, CtcVocabulary vocabulary, FrameTiming timing,
        double segmentEnd)
    {
        var text = new System.Text.StringBuilder();
        double logProbSum = 0;
        int count = 0;
        for (int i = first; i < last; i++)
        {
            text.Append(vocabulary.Tokens[spans[i].Token]);
            logProbSum += spans[i].LogProbSum;
            count += spans[i].Frames;
        }

        double start = Math.Min(timing.At(spans[first].StartFrame), segmentEnd);
        double end = Math.Min(timing.At(spans[last - 1].EndFrame), segmentEnd);
        double confidence = Math.Clamp(Math.Exp(logProbSum / count), 0, 1);
        return new TranscriptWord(text.ToString(), start, end, double.IsNaN(confidence) ? 0 : confidence);
    }
}
