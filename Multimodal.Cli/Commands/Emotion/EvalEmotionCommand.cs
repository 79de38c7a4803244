using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Progress;
using Pipelines.Video.Emotion;
using static Multimodal.Cli.Commands.Emotion.EmotionCliOptions;
using static Multimodal.Cli.Hosting.OptionBuilders;

namespace Multimodal.Cli.Commands.Emotion;

/// <summary>
/// <c>multimodal eval emotion [--model DIR] --data DIR [--frames N] [--json]</c>: accuracy, per-class
/// recall and the confusion matrix of an emotion model on a FER-2013-style folder. Each face is a
/// one-frame clip (the FER protocol) unless <c>--frames</c> makes seeded augmented clips of it; each
/// prediction is averaged with that of the mirrored input (as <c>video emotion</c> does) unless
/// <c>--no-mirror</c>.
/// </summary>
public static class EvalEmotionCommand
{
    /// <summary>The <c>emotion</c> subcommand of <c>eval</c>.</summary>
    public static Command Build(CliContext context)
    {
        var model = ModelOption();
        var data = Folder("--data", "FER-2013-style folder: angry/, disgust/, ... of face images", true);
        var frames = Count("--frames", "Clip length per face (1: the still itself; more: augmented clips)", 1, 1, 64);
        var noMirror = new Option<bool>("--no-mirror")
        {
            Description = "Score the faces alone, without averaging with their mirror images",
        };
        var shift = ShiftOption("each face");
        var heldOut = Count("--validation-every",
            "Score only the faces `train emotion --valid-every N` holds out of this (train) folder (0: all faces)", 0,
            0, 1000, n => n == 1 ? "--validation-every must be 0 (all faces) or at least 2" : null);
        // train emotion's spelling, so the option can be copied from the training command line.
        heldOut.Aliases.Add("--valid-every");
        var seed = Count("--seed", "The training run's --seed, for --validation-every", 7, 0, int.MaxValue);
        var limit = Count("--limit-per-class",
            "Read at most this many faces per class, as train emotion did with the same option (0: all)", 0, 0,
            int.MaxValue);
        var json = new Option<bool>("--json")
        {
            Description =
                "Print one JSON object {accuracy, mean_recall, recall, confusion, labels, faces, frames, mirror, " +
                "shift, failed}",
        };
        var command = new Command("emotion", "Accuracy, per-class recall and confusion matrix of an emotion model")
        {
            model, data, frames, noMirror, shift, heldOut, seed, limit, json,
        };
        command.SetAction((parse, ct) => Task.Run(() => Run(context, parse, parse.GetValue(model),
            parse.GetValue(data)!, new Scoring(parse.GetValue(frames), !parse.GetValue(noMirror),
                parse.GetValue(shift), parse.GetValue(heldOut), (ulong)parse.GetValue(seed), parse.GetValue(limit)),
            parse.GetValue(json), ct)));
        return command;
    }

    // How the faces are scored: clip length, test-time views, and which faces.
    private sealed record Scoring(int Frames, bool Mirror, int Shift, int ValidationEvery, ulong Seed, int Limit);

    private static int Run(CliContext context, ParseResult parse, string? modelDir, string dataDir, Scoring how,
        bool json, CancellationToken ct)
    {
        if (json)
        {
            context.PromiseJson(Json(null, how.Frames, how.Mirror, how.Shift));
        }

        var model = EmotionModelLocator.Load(EmotionModelLocator.Resolve(modelDir, context.Environment));
        FerDataset data;
        try
        {
            data = FerDataset.Load(dataDir, model.Side, how.Limit, FaceImageCheck.DeclaredSize);
        }
        catch (DirectoryNotFoundException e)
        {
            string reason = e.Message.Replace($"data folder '{dataDir}' ", "", StringComparison.Ordinal);
            throw new CliException(dataDir, reason);
        }

        foreach (var (file, reason) in data.SkippedFiles)
        {
            context.Error(file, reason);
        }

        // As train emotion says: a folder of faces under another name (a typo, "HAPPY") is not scored,
        // nor is one inside a class folder.
        foreach (string folder in data.OtherFolders)
        {
            context.Environment.Error.WriteLine(ErrorLine.FormatWarning(folder,
                $"not a class folder, so not scored ({FerDataset.NotAClassHint(folder)})"));
        }

        foreach (string folder in data.NestedFolders)
        {
            context.Environment.Error.WriteLine(ErrorLine.FormatWarning(folder, FerDataset.NestedFolderReason));
        }

        if (data.Samples.Count == 0)
        {
            if (json)
            {
                // CliApp prints this object with the error: it counts the faces that failed, as in eval speech.
                context.PromiseJson(Json(null, how.Frames, how.Mirror, how.Shift, data.SkippedFiles.Count));
            }

            throw new CliException(dataDir, "no readable face images in the class folders");
        }

        var faces = how.ValidationEvery >= 2
            ? FerDataset.Split(data.Samples, how.ValidationEvery, how.Seed).Validation
            : data.Samples;
        if (how.Shift >= model.Side / 2)
        {
            throw new CliException("--shift", $"must be below {model.Side / 2} for {model.Side}x{model.Side} faces");
        }

        var eval = new EvalProgress(context, "eval emotion", faces.Count, "faces", ct);
        if (!eval.TryRun(parse, done => EmotionEvaluator.Evaluate(model, faces, how.Frames,
                progress: new InlineProgress<int>(done), mirror: how.Mirror, shift: how.Shift), out var metrics))
        {
            return eval.Interrupted();
        }

        int failed = data.SkippedFiles.Count;
        context.Environment.Out.WriteLine(
            json ? Json(metrics, how.Frames, how.Mirror, how.Shift, failed).ToJsonString() : Report(metrics));
        if (failed == 0)
        {
            return ExitCodes.Success;
        }

        context.Environment.Error.WriteLine(
            $"{failed} of {data.Samples.Count + failed} face images could not be read and are not in the scores");
        return ExitCodes.Failure;
    }

    /// <summary>
    /// The figures as one JSON object; without <paramref name="m"/> (nothing scored) the same keys,
    /// figures and labels null, 0 faces.
    /// </summary>
    public static JsonObject Json(EmotionMetrics? m, int frames, bool mirror, int shift = 0, int failed = 0) => new()
    {
        ["accuracy"] = m?.Accuracy,
        ["mean_recall"] = m?.MeanRecall,
        ["recall"] = m is null ? null : Recall(m),
        ["confusion"] = m is null ? null : Confusion(m),
        ["labels"] = m is null ? null : new JsonArray(m.Labels.Select(l => (JsonNode)l).ToArray()),
        ["faces"] = m?.Count ?? 0,
        ["frames"] = frames,
        ["mirror"] = mirror,
        ["shift"] = shift,
        ["failed"] = failed,
    };

    // Recall by label; null for a class with no face in the set.
    private static JsonObject Recall(EmotionMetrics m)
    {
        var recall = new JsonObject();
        for (int t = 0; t < m.Labels.Count; t++)
        {
            double r = m.Recall(t);
            recall[m.Labels[t]] = double.IsNaN(r) ? null : r;
        }

        return recall;
    }

    // Rows are the true class, columns the predicted one.
    private static JsonArray Confusion(EmotionMetrics m)
    {
        var confusion = new JsonArray();
        for (int t = 0; t < m.Labels.Count; t++)
        {
            var row = Enumerable.Range(0, m.Labels.Count).Select(p => (JsonNode)m.Confusion[t, p]).ToArray();
            confusion.Add(new JsonArray(row));
        }

        return confusion;
    }

    /// <summary>The figures as a table for people: accuracy, recall per class, confusion rows = truth.</summary>
    public static string Report(EmotionMetrics m)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(c, $"accuracy     {m.Accuracy * 100:F2}% of {m.Count} faces"));
        sb.AppendLine(string.Create(c, $"mean recall  {m.MeanRecall * 100:F2}%"));
        sb.AppendLine();
        sb.Append("true \\ predicted".PadRight(18));
        foreach (string l in m.Labels)
        {
            sb.Append(l[..Math.Min(8, l.Length)].PadLeft(9));
        }

        sb.AppendLine("   recall");
        for (int t = 0; t < m.Labels.Count; t++)
        {
            sb.Append(m.Labels[t].PadRight(18));
            for (int p = 0; p < m.Labels.Count; p++)
            {
                sb.Append(m.Confusion[t, p].ToString(c).PadLeft(9));
            }

            double r = m.Recall(t);
            sb.AppendLine(double.IsNaN(r) ? "        -" : string.Create(c, $"{r * 100,8:F2}%"));
        }

        return sb.ToString().TrimEnd();
    }
}
