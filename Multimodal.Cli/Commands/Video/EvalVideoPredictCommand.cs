using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Progress;
using Pipelines.Video.Data;
using Pipelines.Video.Metrics;
using Pipelines.Video.Training;

namespace Multimodal.Cli.Commands.Video;

/// <summary>
/// <c>multimodal eval video-predict [--model DIR] [--mnist FILE] [--sequences N] [--json]</c>:
/// per-frame MSE (summed over pixels and mean per pixel) and SSIM of the model on the fixed
/// Moving-MNIST test sequences (held-out digits 9000-9999, fixed seed), next to the
/// copy-last-frame baseline.
/// </summary>
public static class EvalVideoPredictCommand
{
    /// <summary>The <c>video-predict</c> subcommand of <c>eval</c>.</summary>
    public static Command Build(CliContext context)
    {
        var model = OptionBuilders.PathOption("--model",
            $"Next-frame model directory (default: the bundled {VideoModelLocator.DefaultModel})", "dir");
        var mnist = OptionBuilders.PathOption("--mnist",
            $"MNIST idx3 images (default: ../shared/data/mnist/{MnistLocator.FileName})", "file");
        var sequences = OptionBuilders.Count("--sequences",
            "Fixed test sequences to score (the first N of the fixed set)", 256, 1, 100_000);
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object {mse, mse_mean, ssim, baseline_mse, baseline_mse_mean, ...}",
        };
        var command = new Command("video-predict", "Per-frame MSE and SSIM of a next-frame model on Moving-MNIST")
        {
            model, mnist, sequences, json,
        };
        command.SetAction((parse, ct) => Task.Run(() => Run(context, parse, parse.GetValue(model),
            parse.GetValue(mnist), parse.GetValue(sequences), parse.GetValue(json), ct)));
        return command;
    }

    private static int Run(CliContext context, ParseResult parse, string? modelDir, string? mnistPath, int count,
        bool json, CancellationToken ct)
    {
        if (json)
        {
            context.PromiseJson(Json(null, null, 0));
        }

        var predictor = VideoModelLocator.Load(VideoModelLocator.Resolve(modelDir, context.Environment));
        string path = MnistLocator.Resolve(mnistPath, context.Environment);
        MnistImages images;
        try
        {
            images = MnistImages.Read(path);
        }
        catch (InvalidDataException e)
        {
            // MnistImages' messages start with the file's name already.
            throw new CliException(null, e.Message);
        }

        var c = predictor.Config;
        var protocol = new MovingMnistOptions { Frames = c.ContextFrames + c.FutureFrames, CanvasSize = c.FrameSize };
        var test = MovingMnistSplits.TestStream(images, protocol, count);
        var eval = new EvalProgress(context, "eval video-predict", count, "sequences", ct);
        if (!eval.TryRun(parse,
            done => PredictionEvaluator.Evaluate(predictor, test, 16, new InlineProgress<int>(done)), out var scores))
        {
            return eval.Interrupted();
        }

        var (model, baseline) = scores;
        context.Environment.Out.WriteLine(
            json ? Json(model, baseline, count).ToJsonString() : Text(model, baseline, count));
        return ExitCodes.Success;
    }

    // The --json object; without scores (an error came first) the same keys, figures null, 0 sequences.
    private static JsonObject Json(FrameScores? m, FrameScores? b, int count) => new()
    {
        ["mse"] = m?.MeanMseSum,
        ["mse_mean"] = m?.MeanMseMean,
        ["ssim"] = m?.MeanSsim,
        ["baseline_mse"] = b?.MeanMseSum,
        ["baseline_mse_mean"] = b?.MeanMseMean,
        ["baseline_ssim"] = b?.MeanSsim,
        ["ratio"] = m is null || b is null ? null : m.MeanMseSum / Math.Max(b.MeanMseSum, 1e-12),
        ["sequences"] = count,
        ["mse_per_frame"] = m is null ? null : new JsonArray(
            m.MseSum.Select(v => (JsonNode?)JsonValue.Create(Math.Round(v, 3))).ToArray()),
    };

    private static string Text(FrameScores m, FrameScores b, int count)
    {
        var c = CultureInfo.InvariantCulture;
        double ratio = m.MeanMseSum / Math.Max(b.MeanMseSum, 1e-12);
        return string.Create(c,
            $"per-frame MSE (summed over pixels)  {m.MeanMseSum:0.00}   baseline {b.MeanMseSum:0.00}   " +
            $"ratio {ratio:0.000}\n" +
            $"per-frame MSE (mean per pixel)      {m.MeanMseMean:0.00000}   baseline {b.MeanMseMean:0.00000}\n" +
            $"SSIM                                {m.MeanSsim:0.0000}   baseline {b.MeanSsim:0.0000}\n" +
            $"MSE by predicted frame  {string.Join(" ", m.MseSum.Select(v => v.ToString("0", c)))}\n" +
            $"test sequences  {count} (Moving-MNIST, MNIST test digits 9000-9999, fixed seed); " +
            $"baseline = copy last frame");
    }
}
