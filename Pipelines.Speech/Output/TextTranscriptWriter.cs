using Pipelines.Speech.Decoding;

namespace Pipelines.Speech.Output;

/// <summary>
/// Plain text: the transcript's words on one line, ending in a newline; empty when nothing was said.
/// A word's own line breaks and control characters become spaces (<see cref="SubtitleText.OneLine"/>),
/// so the file stays one line whatever the model's vocabulary holds.
/// </summary>
public static class TextTranscriptWriter
{
    /// <summary>The file's content.</summary>
    public static string Render(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var words = transcript.Words.Select(w => SubtitleText.OneLine(w.Text)).Where(t => t.Length > 0);
        string text = string.Join(" ", words);
        return text.Length == 0 ? string.Empty : text + "\n";
    }
}
