using System.Text;
using Pipelines.Speech.Decoding;

namespace Pipelines.Speech.Output;

/// <summary>
/// SubRip (.srt): numbered cues "1", "HH:MM:SS,mmm --> HH:MM:SS,mmm", the text lines, separated
/// by blank lines. SubRip has no escapes: a word never breaks a line (<see cref="SubtitleCueBuilder"/>)
/// and "-->" in cue text is broken up (<see cref="SubtitleText.SrtLine"/>), so each cue keeps its
/// text. An empty transcript gives an empty file, which players accept as no cues.
/// </summary>
public static class SrtTranscriptWriter
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
        var text = new StringBuilder();
        for (int i = 0; i < cues.Count; i++)
        {
            if (i > 0)
            {
                text.Append('\n');
            }

            text.Append(i + 1).Append('\n');
            text.Append(SubtitleTime.Format(cues[i].StartMs, ',')).Append(" --> ")
                .Append(SubtitleTime.Format(cues[i].EndMs, ',')).Append('\n');
            foreach (string line in cues[i].Lines)
            {
                text.Append(SubtitleText.SrtLine(line)).Append('\n');
            }
        }

        return text.ToString();
    }
}
