using Pipelines.Speech.Decoding;

namespace Pipelines.Speech.Output;

/// <summary>
/// Cuts a transcript's speech segments into subtitle cues at word boundaries.
/// </summary>
/// <remarks>
/// Words are packed greedily: a cue takes words while they fit in
/// <see cref="SubtitleOptions.MaxLines"/> lines of <see cref="SubtitleOptions.MaxLineLength"/>
/// characters and span at most <see cref="SubtitleOptions.MaxCueSeconds"/> (a single longer word
/// gets a cue, or a line, of its own). A cue shows from its first word's start until the next
/// cue of its segment starts (the segment's end for the last one), but no longer than the time
/// limit and never less than until its last word ends. Times are then rounded to milliseconds,
/// clamped to the audio's duration and pushed so that no cue starts before the previous one ends.
/// A word's line breaks and other control characters become spaces
/// (<see cref="SubtitleText.OneLine"/>), so no cue holds a blank line or a line break of its own.
/// </remarks>
public static class SubtitleCueBuilder
{
    /// <summary>The cues of <paramref name="transcript"/>, in time order, never overlapping.</summary>
    /// <param name="transcript">The transcript; segments without words give no cue.</param>
    /// <param name="duration">The audio's length in seconds.</param>
    /// <param name="options">Cue limits; defaults when null.</param>
    public static IReadOnlyList<SubtitleCue> Build(
        Transcript transcript, double duration, SubtitleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        options ??= new SubtitleOptions();
        options.Validate();
        long durationMs = SubtitleTime.ToMilliseconds(duration);
        var cues = new List<SubtitleCue>();
        long previousEnd = 0;
        foreach (TranscriptSegment segment in transcript.Segments)
        {
            // A word's own line breaks would end the cue early (a blank line ends a cue); a word
            // that is nothing else would add an empty line, so it shows nothing and is left out.
            var words = segment.Words.Select(w => w with { Text = SubtitleText.OneLine(w.Text) })
                .Where(w => w.Text.Length > 0).ToList();
            List<List<TranscriptWord>> groups = Pack(words, options);
            for (int i = 0; i < groups.Count; i++)
            {
                double start = groups[i][0].Start;
                double next = i + 1 < groups.Count ? groups[i + 1][0].Start : segment.End;
                double end = Math.Max(Math.Min(next, start + options.MaxCueSeconds), groups[i][^1].End);

                long startMs = Math.Clamp(SubtitleTime.ToMilliseconds(start), previousEnd, durationMs);
                long endMs = Math.Clamp(SubtitleTime.ToMilliseconds(end), startMs, durationMs);
                cues.Add(new SubtitleCue(startMs, endMs, Wrap(groups[i], options.MaxLineLength)));
                previousEnd = endMs;
            }
        }

        return cues;
    }

    private static List<List<TranscriptWord>> Pack(IReadOnlyList<TranscriptWord> words, SubtitleOptions options)
    {
        var groups = new List<List<TranscriptWord>>();
        var current = new List<TranscriptWord>();
        foreach (TranscriptWord word in words)
        {
            if (current.Count > 0)
            {
                bool tooLong = word.End - current[0].Start > options.MaxCueSeconds;
                current.Add(word);
                bool tooWide = Wrap(current, options.MaxLineLength).Count > options.MaxLines;
                current.RemoveAt(current.Count - 1);
                if (tooLong || tooWide)
                {
                    groups.Add(current);
                    current = new List<TranscriptWord>();
                }
            }

            current.Add(word);
        }

        if (current.Count > 0)
        {
            groups.Add(current);
        }

        return groups;
    }

    // Greedy line filling; a word longer than a line stands on a line alone.
    private static List<string> Wrap(IReadOnlyList<TranscriptWord> words, int maxLength)
    {
        var lines = new List<string>();
        var line = new System.Text.StringBuilder();
        foreach (TranscriptWord word in words)
        {
            if (line.Length > 0 && line.Length + 1 + word.Text.Length > maxLength)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(word.Text);
        }

        if (line.Length > 0)
        {
            lines.Add(line.ToString());
        }

        return lines;
    }
}
