using System.Text;
using Pipelines.Speech.Decoding;

namespace Pipelines.Speech.Output;

/// <summary>
/// WebVTT (.vtt): the "WEBVTT" header, then cues "HH:MM:SS.mmm --> HH:MM:SS.mmm" and their text
/// lines, each cue after a blank line. Cue text escapes &amp;, &lt; and &gt; as the WebVTT spec
/// requires (so "-->" cannot end up in a cue; see <see cref="SubtitleText.VttLine"/>), and a word
/// never breaks a line (<see cref="SubtitleCueBuilder"/>). An empty transcript gives the header alone.
/// </summary>
public static class VttTranscriptWriter
{
    /// <summary>The file's content.</summary>
    /// <param name="transcript">What was said.</param>
    /// <param name="audio">The audio's duration bounds every time.</param>
    /// <param name="options">Cue limits; defaults when null.</param>
    public static string Render(Transcript transcript, AudioInfo audio, SubtitleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(audio);
        audio.Validate();
        IReadOnlyList<SubtitleCue> cues = SubtitleCueBuilder.Build(transcript, audio.Duration, options);
        var text = new StringBuilder("WEBVTT\n");
        foreach (SubtitleCue cue in cues)
        {
            text.Append('\n');
            text.Append(SubtitleTime.Format(cue.StartMs, '.')).Append(" --> ")
                .Append(SubtitleTime.Format(cue.EndMs, '.')).Append('\n');
            foreach (string line in cue.Lines)
            {
                text.Append(SubtitleText.VttLine(line)).Append('\n');
            }
        }

        return text.ToString();
    }
}
