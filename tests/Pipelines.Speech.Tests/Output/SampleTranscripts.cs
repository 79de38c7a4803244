using Pipelines.Speech.Decoding;

namespace Pipelines.Speech.Tests.Output;

/// <summary>Hand-built transcripts shared by the writer tests.</summary>
internal static class SampleTranscripts
{
    /// <summary>Two segments: "hello world" in [0.5, 3.2] and "how are you" in [4.0, 6.0].</summary>
    public static Transcript TwoSegments() => new(new[]
    {
        Segment(4.0, 6.0, new TranscriptWord("how", 4.1, 4.3, 0.5), new TranscriptWord("are", 4.35, 4.5, 0.99951),
            new TranscriptWord("you", 4.6, 4.9, 1.0)),
        Segment(0.5, 3.2, new TranscriptWord("hello", 0.62, 0.9, 0.91234), new TranscriptWord("world", 1.1, 1.45, 0.8)),
    });

    public static TranscriptSegment Segment(double start, double end, params TranscriptWord[] words) =>
        new(start, end, string.Join(" ", words.Select(w => w.Text)), words);

    public static Transcript Of(params TranscriptSegment[] segments) => new(segments);
}
