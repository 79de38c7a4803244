using Pipelines.Speech.Decoding;
using Rnn.Core.Serialization;

namespace Pipelines.Speech.Output;

/// <summary>
/// Writes a transcript in any <see cref="TranscriptFormat"/>, atomically (through
/// <see cref="AtomicFile"/>, so a crash never leaves a half-written output that a rerun would
/// take for finished).
/// </summary>
/// <example>
/// <code>
/// var format = TranscriptWriter.ParseFormat("srt");
/// string path = Path.Combine(outDir, Path.GetFileNameWithoutExtension(file) + TranscriptWriter.Extension(format));
/// TranscriptWriter.Write(path, format, transcript, new AudioInfo(file, duration));
/// </code>
/// </example>
public static class TranscriptWriter
{
    /// <summary>The format named <paramref name="name"/> ("txt", "json", "srt" or "vtt", any case).</summary>
    public static TranscriptFormat ParseFormat(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "txt" or "text" => TranscriptFormat.Text,
            "json" => TranscriptFormat.Json,
            "srt" => TranscriptFormat.Srt,
            "vtt" or "webvtt" => TranscriptFormat.Vtt,
            _ => throw new ArgumentException($"unknown transcript format '{name}'; expected txt, json, srt or vtt",
                nameof(name)),
        };
    }

    /// <summary>The file extension of <paramref name="format"/>, with its dot (".txt").</summary>
    public static string Extension(TranscriptFormat format) => format switch
    {
        TranscriptFormat.Text => ".txt",
        TranscriptFormat.Json => ".json",
        TranscriptFormat.Srt => ".srt",
        TranscriptFormat.Vtt => ".vtt",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a transcript format"),
    };

    /// <summary>The content of the file <paramref name="format"/> would write.</summary>
    /// <param name="format">Which format.</param>
    /// <param name="transcript">What was said.</param>
    /// <param name="audio">The audio's file name and duration.</param>
    /// <param name="subtitles">Cue limits for SRT and WebVTT; defaults when null.</param>
    public static string Render(
        TranscriptFormat format, Transcript transcript, AudioInfo audio, SubtitleOptions? subtitles = null)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(audio);
        return format switch
        {
            TranscriptFormat.Text => TextTranscriptWriter.Render(transcript),
            TranscriptFormat.Json => JsonTranscriptWriter.Render(transcript, audio),
            TranscriptFormat.Srt => SrtTranscriptWriter.Render(transcript, audio, subtitles),
            TranscriptFormat.Vtt => VttTranscriptWriter.Render(transcript, audio, subtitles),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a transcript format"),
        };
    }

    /// <summary>Renders and atomically writes the file at <paramref name="path"/> (UTF-8, no BOM).</summary>
    /// <param name="path">The output file; its folder is created when missing.</param>
    /// <param name="format">Which format.</param>
    /// <param name="transcript">What was said.</param>
    /// <param name="audio">The audio's file name and duration.</param>
    /// <param name="subtitles">Cue limits for SRT and WebVTT; defaults when null.</param>
    public static void Write(
        string path, TranscriptFormat format, Transcript transcript, AudioInfo audio, SubtitleOptions? subtitles = null)
    {
        string content = Render(format, transcript, audio, subtitles);
        AtomicFile.WriteAllText(path, content);
    }
}
