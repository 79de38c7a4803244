using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenCvSharp;
using Pipelines.Video.Metrics;
using Pipelines.Video.Prediction;
using Rnn.Core.Serialization;

namespace Pipelines.Video.Output;

/// <summary>
/// Writes the results of a <see cref="ClipPrediction"/> into a folder: predicted-NN.png per
/// predicted frame, strip.png (context | truth | prediction), prediction.mp4 (context then
/// prediction) and metrics.json. Everything is written into a hidden staging folder first and
/// moved into place only when all of it succeeded, so a failure leaves no partial outputs.
/// </summary>
public static class PredictionWriter
{
    /// <summary>Name of the metrics file.</summary>
    public const string MetricsFile = "metrics.json";

    /// <summary>Name of the strip image.</summary>
    public const string StripFile = "strip.png";

    /// <summary>Name of the short video.</summary>
    public const string VideoFile = "prediction.mp4";

    /// <summary>
    /// True when <see cref="Write"/> may write a file of this name (metrics.json, strip.png,
    /// prediction.mp4, predicted-NN.png), replacing one of that name in its folder.
    /// </summary>
    public static bool MayWrite(string fileName)
    {
        const string prefix = "predicted-", suffix = ".png";
        if (fileName is MetricsFile or StripFile or VideoFile)
        {
            return true;
        }

        return fileName.Length > prefix.Length + suffix.Length &&
            fileName.StartsWith(prefix, StringComparison.Ordinal) &&
            fileName.EndsWith(suffix, StringComparison.Ordinal) &&
            fileName[prefix.Length..^suffix.Length].All(char.IsAsciiDigit);
    }

    /// <summary>Writes everything; returns the files written (final paths) and the video size read back.</summary>
    /// <param name="prediction">What to write.</param>
    /// <param name="directory">Created when missing; files of the same names are replaced.</param>
    /// <param name="clipName">How metrics.json names the clip.</param>
    public static (IReadOnlyList<string> Files, (int Width, int Height, int Frames) Video) Write(
        ClipPrediction prediction, string directory, string clipName)
    {
        bool created = !Directory.Exists(directory);
        Directory.CreateDirectory(directory);
        string staging = Path.Combine(directory, ".predict-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(staging);
        bool done = false;
        try
        {
            var names = new List<string>();
            var video = WriteAll(prediction, staging, clipName, names);
            var final = new List<string>();
            foreach (var name in names)
            {
                string target = Path.Combine(directory, name);
                File.Move(Path.Combine(staging, name), target, overwrite: true);
                final.Add(target);
            }

            done = true;
            return (final, video);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
            if (!done && created && !Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);   // a failed first run leaves no empty folder behind
            }
        }
    }

    private static (int, int, int) WriteAll(ClipPrediction p, string staging, string clipName, List<string> names)
    {
        int size = p.FrameSize;
        for (int i = 0; i < p.Predicted.Length; i++)
        {
            using var image = FrameImages.ToMat(p.Predicted[i], p.Channels, size);
            string name = string.Create(CultureInfo.InvariantCulture, $"predicted-{i + 1:00}.png");
            AtomicFile.WriteAllBytes(Path.Combine(staging, name), FrameImages.Png(image));
            names.Add(name);
        }

        using (var strip = PredictionStrip.Render(p.Context, p.Truth, p.Predicted, p.Channels, size))
        {
            AtomicFile.WriteAllBytes(Path.Combine(staging, StripFile), FrameImages.Png(strip));
            names.Add(StripFile);
        }

        // Even sizes keep every encoder happy; x2 makes 64-pixel frames watchable.
        var frames = p.Context.Concat(p.Predicted).Select(f => FrameImages.ToMat(f, p.Channels, size, 2)).ToList();
        (int, int, int) written;
        try
        {
            written = ClipVideoWriter.Write(Path.Combine(staging, VideoFile), frames, Math.Clamp(p.SampledFps, 1, 60));
        }
        finally
        {
            frames.ForEach(f => f.Dispose());
        }

        names.Add(VideoFile);
        AtomicFile.WriteAllText(Path.Combine(staging, MetricsFile), MetricsJson(p, clipName));
        names.Add(MetricsFile);
        return written;
    }

    /// <summary>The metrics.json content: means over the predicted frames and per-frame lists.</summary>
    public static string MetricsJson(ClipPrediction p, string clipName)
    {
        var root = new JsonObject
        {
            ["clip"] = clipName,
            ["context_frames"] = p.Context.Length,
            ["future_frames"] = p.Predicted.Length,
            ["frame_size"] = p.FrameSize,
            ["source_size"] = $"{p.Source.Width}x{p.Source.Height}",
            ["resized"] = p.Resized,
            ["start_seconds"] = p.Times[0],
            ["mse"] = p.Scores.MeanMseSum,
            ["mse_mean"] = p.Scores.MeanMseMean,
            ["ssim"] = p.Scores.MeanSsim,
            ["baseline_mse"] = p.Baseline.MeanMseSum,
            ["baseline_mse_mean"] = p.Baseline.MeanMseMean,
            ["baseline_ssim"] = p.Baseline.MeanSsim,
            ["per_frame"] = PerFrame(p.Scores, p.Baseline),
            ["mse_convention"] = "mse: squared error summed over the pixels of a frame (values in [0, 1]), " +
                "averaged over frames; mse_mean: the same per pixel",
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static JsonObject PerFrame(FrameScores model, FrameScores baseline) => new()
    {
        ["mse"] = Array(model.MseSum),
        ["mse_mean"] = Array(model.MseMean),
        ["ssim"] = Array(model.Ssim),
        ["baseline_mse"] = Array(baseline.MseSum),
        ["baseline_ssim"] = Array(baseline.Ssim),
    };

    private static JsonArray Array(double[] values) =>
        new(values.Select(v => (JsonNode?)JsonValue.Create(Math.Round(v, 6))).ToArray());
}
