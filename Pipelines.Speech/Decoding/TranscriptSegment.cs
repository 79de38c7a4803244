namespace Pipelines.Speech.Decoding;

/// <summary>
/// One decoded stretch of audio (a voice-activity segment of a long file, or the whole clip).
/// </summary>
/// <param name="Start">Seconds from the start of the file where the segment begins.</param>
/// <param name="End">Seconds from the start of the file where the segment ends.</param>
/// <param name="Text">The segment's words joined by single spaces.</param>
/// <param name="Words">The segment's words in time order.</param>
public sealed record TranscriptSegment(double Start, double End, string Text, IReadOnlyList<TranscriptWord> Words);
