using System.CommandLine;
using System.Globalization;
using Multimodal.Cli.Batch;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Output;
using Pipelines.Video.Decoding;
using Pipelines.Video.Output;
using Pipelines.Video.Prediction;
using static Multimodal.Cli.Hosting.OptionBuilders;

namespace Multimodal.Cli.Commands.Video;

/// <summary>
/// <c>multimodal video predict CLIP [--model DIR] [--context K] [--frames N] [--at SECONDS]
/// [--stride S | --fps F] [--out DIR]</c>: reads K + N frames of the clip from the start time
/// (resized to the model's input, which the output says), predicts the N after the first K and
/// writes predicted-NN.png, strip.png (context | truth | prediction), prediction.mp4 and
/// metrics.json (MSE, SSIM, copy-last-frame baseline) to DIR, replacing an earlier prediction there
/// whole (files of other names stay). A bad clip, or a folder in the way of an output, is one error
/// line, exit 1, and nothing written.
/// </summary>
public sealed class VideoPredictCommand : ICommandModule
{
    /// <inheritdoc />
    public Command Build(CliContext context)
    {
        var clip = RefuseEmptyPaths(
            new Argument<string>("clip") { Description = "Video file (MP4, AVI, MKV, WebM, ...)" });
        var model = PathOption("--model",
            $"Next-frame model directory (default: the bundled {VideoModelLocator.DefaultModel})", "dir");
        var k = Positive("--context", "Context frames K (default: the model's)");
        var n = Positive("--frames", "Frames to predict N (default: the model's)");
        var at = OptionBuilders.RealNumber(
            new Option<double>("--at") { Description = "Start of the context in seconds", HelpName = "seconds" },
            0, 1e7, "between 0 and 10000000 seconds");   // 1e308 s printed 309 digits in the clip's error
        var stride = Positive("--stride", "Take every n-th frame of the clip");
        var fps = OptionBuilders.RealNumber(
            new Option<double?>("--fps") { Description = "Sample the clip at this rate instead", HelpName = "rate" },
            double.Epsilon, double.MaxValue, "a positive rate");
        var outDir = Folder("--out", "Folder for the outputs (default: <clip name>-prediction beside the clip)");
        outDir.Aliases.Add("-o");
        var command = new Command("predict", "Predict the next frames of a clip with a ConvLSTM model")
        {
            clip, model, k, n, at, stride, fps, outDir,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(stride) is { Implicit: false } && result.GetResult(fps) is { Implicit: false })
            {
                result.AddError("choose --stride or --fps, not both");
            }
        });
        // Task.Run: System.CommandLine puts its Ctrl-C handler in place only once the action has
        // returned its task; before, Ctrl-C killed the process without a word.
        command.SetAction((parse, ct) => Task.Run(() => Run(context, parse.GetValue(clip)!, parse.GetValue(model),
            new ClipPredictionOptions
            {
                ContextFrames = parse.GetValue(k),
                FutureFrames = parse.GetValue(n),
                StartSeconds = parse.GetValue(at),
                Stride = parse.GetValue(stride) ?? 1,
                Fps = parse.GetValue(fps),
            }, parse.GetValue(outDir), ct)));
        return command;
    }

    private static int Run(CliContext context, string clip, string? modelDir, ClipPredictionOptions options,
        string? outDir, CancellationToken ct)
    {
        // Before the model loads and the clip is read; a bad clip still leaves no folder behind.
        string target = outDir ?? DefaultOut(clip);
        string source = InputPaths.Canonical(clip);
        if (PredictionWriter.MayWrite(Path.GetFileName(source)) &&
            string.Equals(Path.GetDirectoryName(source), InputPaths.Canonical(target), StringComparison.Ordinal))
        {
            // The outputs replace files of their names: this one would be the clip itself.
            throw new CliException(clip,
                $"video predict writes a file of this name into {TerminalText.Name(target)}, replacing the clip; " +
                "choose another --out");
        }

        using var folder = OutputFolder.Reserve(target, "--out");
        VideoModelLocator.EnsureOpenCv();
        var model = VideoModelLocator.Load(VideoModelLocator.Resolve(modelDir, context.Environment));
        int future = options.FutureFrames ?? model.Config.FutureFrames;
        try
        {
            PredictionWriter.CheckNothingInTheWay(target, PredictionWriter.FileNames(future));
        }
        catch (OutputInTheWayException e)
        {
            throw InTheWay(e);
        }

        ClipPrediction result;
        try
        {
            // Ctrl-C is noticed before and after the prediction (one clip, seconds at most), never
            // while the outputs are written: they are staged and moved into place whole.
            ct.ThrowIfCancellationRequested();
            result = ClipPredictor.Predict(model, clip, options);
            ct.ThrowIfCancellationRequested();
        }
        catch (VideoFormatException e)
        {
            throw new CliException(e.Path, e.Reason);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            context.Environment.Error.WriteLine(
                $"interrupted: video predict stopped before writing to {target}; nothing was written");
            return ExitCodes.Interrupted;
        }

        foreach (var warning in result.Warnings)
        {
            context.Error(null, "warning: " + warning);
        }

        (IReadOnlyList<string> Files, (int, int, int) Video, int Replaced) written;
        try
        {
            // Checked again: the folder may have changed during the prediction.
            written = PredictionWriter.Write(result, target, Path.GetFileName(clip));
        }
        catch (OutputInTheWayException e)
        {
            throw InTheWay(e);
        }

        if (options.Fps is { } asked && result.Source.Fps > 0 && asked > result.Source.Fps * 1.001)
        {
            // One frame per 1/fps seconds can take no more frames than the clip has.
            string reason = string.Create(CultureInfo.InvariantCulture,
                $"--fps {asked:0.###} is above the clip's {result.Source.Fps:0.###} fps: every frame was taken");
            context.Environment.Error.WriteLine(ErrorLine.FormatWarning(clip, reason));
        }

        Report(context.Environment.Out, clip, model.Config, result, target, written.Files.Count, written.Video);
        if (written.Replaced > 0)
        {
            context.Environment.Out.WriteLine(
                $"replaced the {written.Replaced} {(written.Replaced == 1 ? "file" : "files")} of an earlier " +
                "prediction there (files of other names were kept)");
        }

        return ExitCodes.Success;
    }

    // A folder with an output's name: one line naming it instead of .NET's "Is a directory".
    private static CliException InTheWay(OutputInTheWayException e) =>
        new(e.Path, $"{e.Reason}, an output of video predict; move it away or choose another --out");

    private static void Report(TextWriter output, string clip, PredictorConfig config, ClipPrediction r,
        string target, int files, (int Width, int Height, int Frames) video)
    {
        var c = CultureInfo.InvariantCulture;
        var s = r.Source;
        output.WriteLine(string.Create(c,
            $"{TerminalText.Name(clip)}: {s.Codec} {s.Width}x{s.Height} at {s.Fps:0.##} fps; " +
            $"read {r.Context.Length + r.Truth.Length} " +
            $"frames from {r.Times[0]:0.###} s to {r.Times[^1]:0.###} s"));
        if (r.Resized)
        {
            output.WriteLine(string.Create(c,
                $"resized {s.Width}x{s.Height} -> {r.FrameSize}x{r.FrameSize} (the model's input; aspect not kept)"));
        }

        if (r.Context.Length != config.ContextFrames || r.Predicted.Length != config.FutureFrames)
        {
            output.WriteLine(string.Create(c,
                $"note: the model was trained with {config.ContextFrames} context and {config.FutureFrames} " +
                $"predicted frames; this run uses {r.Context.Length} and {r.Predicted.Length}"));
        }

        // A clip whose future frames equal its last context frame (nothing moves) leaves the baseline
        // no error to compare with: a ratio over ~0 said 973689 for a static 1000 fps clip.
        string ratio = r.Baseline.MeanMseSum < StaticBaselineMse
            ? "ratio - (the last context frame already matches the predicted frames: nothing moves)"
            : string.Create(c, $"ratio {r.Scores.MeanMseSum / r.Baseline.MeanMseSum:0.000}");
        output.WriteLine(string.Create(c,
            $"per-frame MSE {r.Scores.MeanMseSum:0.00} summed ({r.Scores.MeanMseMean:0.00000} mean), " +
            $"SSIM {r.Scores.MeanSsim:0.000}; copy-last-frame baseline MSE {r.Baseline.MeanMseSum:0.00} " +
            $"({r.Baseline.MeanMseMean:0.00000} mean), SSIM {r.Baseline.MeanSsim:0.000}; {ratio}"));
        output.WriteLine(string.Create(c,
            $"wrote {files} files to {TerminalText.Name(target)} " +
            $"({PredictionWriter.VideoFile}: {video.Width}x{video.Height}, " +
            $"{video.Frames} frames)"));
    }

    // Summed squared error per frame below which the copy-last-frame baseline counts as exact: for
    // 64 x 64 frames an RMS error of 5e-4, an eighth of one 8-bit grey level.
    private const double StaticBaselineMse = 1e-3;

    private static string DefaultOut(string clip)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(clip)) ?? ".";
        return Path.Combine(folder, Path.GetFileNameWithoutExtension(clip) + "-prediction");
    }

    private static Option<int?> Positive(string name, string description) =>
        OptionBuilders.WholeNumber(new Option<int?>(name) { Description = description, HelpName = "n" }, 1, 1000);
}
