using System.Text.Encodings.Web;
using System.Text.Json;
using Pipelines.Speech.Decoding;

namespace Pipelines.Speech.Output;

/// <summary>
/// The JSON shape: <c>{"file", "duration", "text", "words": [{"text", "start", "end",
/// "confidence"}]}</c>. Times and confidences are rounded to 3 decimals (milliseconds) and times
/// are clamped to [0, duration].
/// </summary>
public static class JsonTranscriptWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,

        // Files, not HTML: keep non-ASCII words readable instead of \u-escaping them.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The file's content (UTF-8 JSON, two-space indent, ending in a newline).</summary>
    public static string Render(Transcript transcript, AudioInfo audio)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(audio);
        audio.Validate();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("file", audio.File);
            json.WriteNumber("duration", Milliseconds(audio.Duration));
            json.WriteString("text", transcript.Text);
            json.WriteStartArray("words");
            foreach (TranscriptWord word in transcript.Words)
            {
                WriteWord(json, word, audio.Duration);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteWord(Utf8JsonWriter json, TranscriptWord word, double duration)
    {
        json.WriteStartObject();
        json.WriteString("text", word.Text);
        json.WriteNumber("start", Milliseconds(Math.Clamp(word.Start, 0, duration)));
        json.WriteNumber("end", Milliseconds(Math.Clamp(word.End, 0, duration)));
        json.WriteNumber("confidence", Milliseconds(Math.Clamp(word.Confidence, 0, 1)));
        json.WriteEndObject();
    }

    private static double Milliseconds(double value) => Math.Round(value, 3, MidpointRounding.AwayFromZero);
}
