using Pipelines.Speech.Decoding;

namespace Pipelines.Speech.Transcription;

/// <summary>What <see cref="SpeechTranscriber"/> heard in one file.</summary>
/// <param name="Path">The audio file.</param>
/// <param name="Transcript">Words with absolute times, segments in time order; empty for silence.</param>
/// <param name="Duration">Seconds of audio read (at the model's rate).</param>
/// <param name="Segments">Voice-activity segments decoded, including those that gave no words.</param>
public sealed record TranscriptionResult(string Path, Transcript Transcript, double Duration, int Segments)
{
    /// <summary>
    /// Recoverable problems of the file (a WAV whose header says less data than it holds, trailing
    /// bytes, ...), one line each without the path; empty when there were none.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
