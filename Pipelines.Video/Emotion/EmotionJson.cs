using System.Text.Json;
using System.Text.Json.Nodes;
using Rnn.Core.Serialization;

namespace Pipelines.Video.Emotion;

/// <summary>
/// The per-input result file of <c>video emotion</c>:
/// <c>{"file", "emotion", "confidence", "frames", "tracks": [{"id", "emotion", "confidence", "faces",
/// "segments": [{"start", "end", "emotion", "confidence", "probs"}]}]}</c>; times in seconds.
/// No face gives <c>"emotion": null, "confidence": null, "tracks": []</c>.
/// </summary>
public static class EmotionJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The JSON object for one input.</summary>
    /// <param name="file">The input's file name as the user gave it.</param>
    /// <param name="result">What the recognizer found.</param>
    public static JsonObject ToJson(string file, EmotionClipResult result)
    {
        var tracks = new JsonArray();
        foreach (var t in result.Tracks)
        {
            var segments = new JsonArray();
            foreach (var s in t.Segments)
            {
                var probs = new JsonObject();
                foreach (var (name, p) in s.Probs)
                {
                    probs[name] = p;
                }

                segments.Add(new JsonObject
                {
                    ["start"] = Math.Round(s.Start, 3),
                    ["end"] = Math.Round(s.End, 3),
                    ["emotion"] = s.Emotion,
                    ["confidence"] = Math.Round(s.Confidence, 4),
                    ["probs"] = probs,
                });
            }

            tracks.Add(new JsonObject
            {
                ["id"] = t.Id,
                ["emotion"] = t.Emotion,
                ["confidence"] = Math.Round(t.Confidence, 4),
                ["faces"] = t.FaceCount,
                ["segments"] = segments,
            });
        }

        return new JsonObject
        {
            ["file"] = file,
            ["emotion"] = result.Emotion,
            ["confidence"] = result.Confidence is { } c ? Math.Round(c, 4) : null,
            ["frames"] = result.Frames,
            ["tracks"] = tracks,
        };
    }

    /// <summary>Writes the result atomically (temp file + rename), indented.</summary>
    public static void Write(string path, string file, EmotionClipResult result) =>
        AtomicFile.WriteAllText(path, ToJson(file, result).ToJsonString(Indented) + "\n");
}
