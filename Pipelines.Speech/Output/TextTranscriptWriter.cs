using Pipelines.Speech.Decoding;

namespace Pipelines.Speech.Output;

/// <summary>Plain text: the transcript's words on one line, ending in a newline; empty when nothing was said.</summary>
public static class TextTranscriptWriter
{
    /// <summary>The file's content.</summary>
    public static string Render(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        return transcript.Text.Length == 0 ? string.Empty : transcript.Text + "\n";
    }
}
