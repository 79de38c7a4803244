namespace Pipelines.Speech.Output;

/// <summary>One subtitle cue: its text lines and when they show, in whole milliseconds.</summary>
/// <param name="StartMs">When the cue appears.</param>
/// <param name="EndMs">When it disappears (never before <paramref name="StartMs"/>).</param>
/// <param name="Lines">The text, one entry per line.</param>
public sealed record SubtitleCue(long StartMs, long EndMs, IReadOnlyList<string> Lines);
