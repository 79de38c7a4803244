namespace Pipelines.Speech.Vad;

/// <summary>A stretch of speech, in seconds from the start of the audio (absolute, not
/// relative to a block or an earlier segment).</summary>
/// <param name="Start">Start time in seconds, at or after the end of the previous segment.</param>
/// <param name="End">End time in seconds, never after the end of the audio.</param>
public readonly record struct SpeechSegment(double Start, double End)
{
    /// <summary>Length in seconds.</summary>
    public double Duration => End - Start;
}

/// <summary>A speech segment with its mono samples (from <see cref="SpeechSegment.Start"/>
/// to <see cref="SpeechSegment.End"/>, at the rate the detector was made for).</summary>
/// <param name="Segment">Where the samples lie in the audio.</param>
/// <param name="Samples">The samples of that stretch.</param>
public sealed record SpeechChunk(SpeechSegment Segment, float[] Samples);
