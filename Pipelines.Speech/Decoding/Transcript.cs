namespace Pipelines.Speech.Decoding;

/// <summary>
/// The recognised text of a file: its words with times and confidences, and the speech segments
/// they came from. Only segments that produced words are kept.
/// </summary>
public sealed class Transcript
{
    /// <summary>Builds a transcript from segments, putting them in time order.</summary>
    /// <param name="segments">Decoded segments; those without words are dropped.</param>
    public Transcript(IEnumerable<TranscriptSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);

        // A stable sort keeps the given order for segments that start together.
        Segments = segments.Where(s => s.Words.Count > 0).OrderBy(s => s.Start).ToArray();
        Words = Segments.SelectMany(s => s.Words).ToArray();
        Text = string.Join(" ", Words.Select(w => w.Text));
    }

    /// <summary>A transcript with no words.</summary>
    public static Transcript Empty { get; } = new(Array.Empty<TranscriptSegment>());

    /// <summary>All words joined by single spaces.</summary>
    public string Text { get; }

    /// <summary>All words in time order.</summary>
    public IReadOnlyList<TranscriptWord> Words { get; }

    /// <summary>The segments that produced words, in time order.</summary>
    public IReadOnlyList<TranscriptSegment> Segments { get; }

    /// <summary>
    /// Joins the results of several segments of one file (decoded in any order, e.g. in parallel)
    /// into one transcript in time order.
    /// </summary>
    public static Transcript Merge(IEnumerable<Transcript> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return new Transcript(parts.SelectMany(p => p.Segments));
    }
}
