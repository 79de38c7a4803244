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
/// swapped in for the earlier prediction only when all of it succeeded, so a failure leaves no
/// partial outputs and a rerun leaves none of the earlier run's files.
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

    /// <summary>The names of the files a prediction of <paramref name="futureFrames"/> frames writes.</summary>
    public static IReadOnlyList<string> FileNames(int futureFrames)
    {
        var names = Enumerable.Range(1, futureFrames).Select(FrameFile).ToList();
        names.AddRange([StripFile, VideoFile, MetricsFile]);
        return names;
    }

    /// <summary>
    /// Throws when a folder in <paramref name="directory"/> has the name of one of the outputs: no file
    /// can replace it. A caller checks this before the work; <see cref="Write"/> checks again before it
    /// moves anything into place.
    /// </summary>
    /// <param name="directory">The output folder (need not exist).</param>
    /// <param name="names">The outputs' names, e.g. <see cref="FileNames"/>.</param>
    /// <exception cref="OutputInTheWayException">The first output with a folder in its place.</exception>
    public static void CheckNothingInTheWay(string directory, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            string path = Path.GetFullPath(Path.Combine(directory, name));
            if (IsFolder(path))
            {
                throw new OutputInTheWayException(path, $"a folder is in the way of {name}");
            }
        }
    }

    /// <summary>
    /// Writes everything and replaces the earlier prediction in the folder whole: when the folder holds
    /// one (its metrics.json), every file whose name <see cref="MayWrite"/> (predicted-NN.png beyond this
    /// run's N included) goes; otherwise only files of this run's names are replaced. Files of other
    /// names stay. The outputs are staged in a hidden folder inside <paramref name="directory"/> and
    /// swapped in only when all were written; a failure leaves the folder as it was.
    /// </summary>
    /// <param name="prediction">What to write.</param>
    /// <param name="directory">Created when missing (and removed again, empty, on a failure).</param>
    /// <param name="clipName">How metrics.json names the clip.</param>
    /// <returns>The files written (final paths), the video size read back, and how many files of an
    /// earlier prediction were replaced or removed.</returns>
    /// <exception cref="OutputInTheWayException">A folder has an output's name; nothing was changed.</exception>
    public static (IReadOnlyList<string> Files, (int Width, int Height, int Frames) Video, int Replaced) Write(
        ClipPrediction prediction, string directory, string clipName)
    {
        bool created = !Directory.Exists(directory);
        Directory.CreateDirectory(directory);
        string staging = Path.Combine(directory, ".predict-" + Guid.NewGuid().ToString("N")[..12]);
        string earlier = Path.Combine(staging, ".earlier");
        Directory.CreateDirectory(earlier);
        bool done = false;
        try
        {
            var names = new List<string>();
            var video = WriteAll(prediction, staging, clipName, names);
            CheckNothingInTheWay(directory, names);
            int replaced = Swap(directory, staging, earlier, names);
            done = true;
            return (names.Select(n => Path.Combine(directory, n)).ToList(), video, replaced);
        }
        finally
        {
            // Earlier files still staged after a failure are those that could not be put back: kept.
            if (done || !Directory.EnumerateFileSystemEntries(earlier).Any())
            {
                Directory.Delete(staging, recursive: true);
            }

            if (!done && created && !Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);   // a failed first run leaves no empty folder behind
            }
        }
    }

    // Moves the earlier prediction's files aside into the staging folder, then this run's into place.
    // On a failure both moves are undone, so the folder holds one prediction, never a mix of two.
    private static int Swap(string directory, string staging, string earlier, List<string> names)
    {
        var movedOut = new List<string>();
        var movedIn = new List<string>();
        try
        {
            // Files named like outputs go only when an earlier prediction is there (its metrics.json
            // marks one); in a folder without one, a user's predicted-10.png that this run does not
            // write is not ours to remove. This run's own names are replaced either way.
            bool earlierRun = File.Exists(Path.Combine(directory, MetricsFile));
            foreach (var path in Directory.GetFileSystemEntries(directory))
            {
                string name = Path.GetFileName(path);
                if ((names.Contains(name) || (earlierRun && MayWrite(name))) && !IsFolder(path))
                {
                    File.Move(path, Path.Combine(earlier, name));
                    movedOut.Add(name);
                }
            }

            foreach (var name in names)
            {
                File.Move(Path.Combine(staging, name), Path.Combine(directory, name));
                movedIn.Add(name);
            }

            return movedOut.Count;
        }
        catch
        {
            movedIn.ForEach(name => TryMove(Path.Combine(directory, name), Path.Combine(staging, name)));
            movedOut.ForEach(name => TryMove(Path.Combine(earlier, name), Path.Combine(directory, name)));
            throw;
        }
    }

    // Undoing a move must not hide the error that made it necessary; what stays staged is kept.
    private static void TryMove(string from, string to)
    {
        try
        {
            File.Move(from, to);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    // A folder proper: a symbolic link (even to a folder) is replaced by the rename like a file.
    private static bool IsFolder(string path)
    {
        var info = new DirectoryInfo(path);
        return info.Exists && info.LinkTarget is null;
    }

    private static string FrameFile(int number) =>
        string.Create(CultureInfo.InvariantCulture, $"predicted-{number:00}.png");

    private static (int, int, int) WriteAll(ClipPrediction p, string staging, string clipName, List<string> names)
    {
        int size = p.FrameSize;
        for (int i = 0; i < p.Predicted.Length; i++)
        {
            using var image = FrameImages.ToMat(p.Predicted[i], p.Channels, size);
            string name = FrameFile(i + 1);
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
            // How the clip was sampled (--fps, --stride), as the times of the frames read.
            ["sampled_fps"] = p.SampledFps,
            ["frame_times"] = new JsonArray(p.Times.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
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
