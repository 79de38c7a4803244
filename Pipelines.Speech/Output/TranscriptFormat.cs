namespace Pipelines.Speech.Output;

/// <summary>The file formats a transcript can be written in.</summary>
public enum TranscriptFormat
{
    /// <summary>Plain text: the words on one line (".txt").</summary>
    Text,

    /// <summary>JSON with file, duration, text and timed words (".json").</summary>
    Json,

    /// <summary>SubRip subtitles (".srt").</summary>
    Srt,

    /// <summary>WebVTT subtitles (".vtt").</summary>
    Vtt,
}
