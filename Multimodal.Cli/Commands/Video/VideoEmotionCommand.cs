using System.Collections.Concurrent;
using System.CommandLine;
using System.Globalization;
using Multimodal.Cli.Batch;
using Multimodal.Cli.Commands.Emotion;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Models;
using Multimodal.Cli.Output;
using Multimodal.Cli.Progress;
using Pipelines.Video.Decoding;
using Pipelines.Video.Emotion;
using Pipelines.Video.Faces;
using Spectre.Console;
using static Multimodal.Cli.Commands.Emotion.EmotionCliOptions;
using static Multimodal.Cli.Hosting.OptionBuilders;

namespace Multimodal.Cli.Commands.Video;

/// <summary>
/// <c>multimodal video emotion PATHS... [--model DIR] [--window SECONDS] [--no-detect] [--out DIR]
/// [--annotate]</c>: finds and tracks faces in videos and images, labels each track's emotion per
/// window and for the whole clip, writes DIR/&lt;name&gt;.json per input (and with
/// <c>--annotate</c> DIR/&lt;name&gt;.annotated.mp4, or .png for a still), and prints a summary
/// table. No face is a normal result; a bad file is one error line, the others go on, exit 1.
/// </summary>
public sealed class VideoEmotionCommand : ICommandModule
{
    private sealed record Settings(
        EmotionModel Model, string ModelDir, string? Cascade, EmotionRecognizerOptions Options, string OutDir,
        bool Annotate, double Fps, bool Force);

    private sealed record Row(
        string File, string? Emotion, double? Confidence, int Tracks, int Frames, string? Annotated);

    /// <inheritdoc />
    public Command Build(CliContext context)
    {
        var paths = RefuseEmptyPaths(new Argument<string[]>("paths")
        {
            Description = "Videos (MP4, AVI, MKV, WebM, ...), images (a one-frame clip) and folders of them",
            Arity = ArgumentArity.OneOrMore,
        });
        var model = ModelOption();
        var window = Number("--window", "Seconds per labelled window of a track", 2.0, 0.05, 3600);
        var noDetect = new Option<bool>("--no-detect")
        {
            Description = "Each whole frame is the face (inputs already cropped)",
        };
        var outDir = Folder("--out", "Folder for <name>.json (and annotated files); default: the current folder");
        outDir.Aliases.Add("-o");
        var annotate = new Option<bool>("--annotate")
        {
            Description = "Also write the input with boxes and labels drawn",
        };
        var fps = Number("--fps", "Frames analysed per second of video", 10, 0.1, 240);
        var cascade = PathOption(
            "--cascade",
            "Haar face cascade (default: the model's copy, else Debian's opencv-data, else the bundled model's copy)",
            "file");
        var force = new Option<bool>("--force") { Description = "Redo inputs whose JSON already exists" };
        var noMirror = new Option<bool>("--no-mirror")
        {
            Description = "Do not average each window with its mirror image",
        };
        var shift = ShiftOption("each window's crops");
        var command = new Command("emotion", "Emotion of the faces in videos and images (ConvLSTM over face tracks)")
        {
            paths, model, window, noDetect, outDir, annotate, fps, cascade, force, noMirror, shift,
        };
        command.SetAction(async (parse, ct) =>
        {
            // Before the model loads: an --out that cannot take files would fail every input. A folder
            // made here is removed again if no input gets written into it.
            using var reserved = OutputFolder.Reserve(parse.GetValue(outDir) ?? ".", "--out");
            string dir = EmotionModelLocator.Resolve(parse.GetValue(model), context.Environment);
            var settings = new Settings(EmotionModelLocator.Load(dir), dir, parse.GetValue(cascade),
                new EmotionRecognizerOptions
                {
                    WindowSeconds = parse.GetValue(window),
                    NoDetect = parse.GetValue(noDetect),
                    Mirror = !parse.GetValue(noMirror),
                    Shift = parse.GetValue(shift),
                },
                parse.GetValue(outDir) ?? ".", parse.GetValue(annotate), parse.GetValue(fps), parse.GetValue(force));
            return await RunAsync(context, parse, settings, parse.GetValue(paths)!, ct).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext context, ParseResult parse, Settings s, string[] paths, CancellationToken ct)
    {
        // Annotated pictures this verb writes, found in an input folder (--out is that folder, as when
        // run in place), are this run's outputs or an earlier run's, not inputs: analysing them failed
        // the rerun ("would write ..., which is an input of this run") and each later run added a
        // *.annotated.annotated.png. Named directly, such a file is still an input.
        var expanded = MediaInputs.Expand(paths);
        var annotatedOutputs = expanded.Where(i => i.Problem is null)
            .Select(i => InputPaths.Canonical(AnnotatedPath(s, i))).ToHashSet(StringComparer.Ordinal);
        var analysed = expanded.Where(i => i.Folder is null || !annotatedOutputs.Contains(InputPaths.Canonical(i.Path)))
            .ToList();

        // A file given twice is done once: otherwise its second result would clash with the first.
        var unique = MediaInputs.WithoutDuplicates(analysed, (again, first) =>
            context.Environment.Error.WriteLine(
                ErrorLine.FormatWarning(again.Path,
                    InputPaths.GivenAgain(again.Path, again.Folder, first.Path, first.Folder, "analysed once"))));
        var inputs = MediaInputs.CheckOutputNames(unique,
            i => s.Annotate ? [JsonPath(s, i), AnnotatedPath(s, i)] : [JsonPath(s, i)]);
        using var detector = s.Options.NoDetect ? null : OpenDetector(s, BundledCascadeFolder(context.Environment));
        using var aligner = detector is null ? null : OpenAligner(detector.CascadePath, s.ModelDir);
        var recognizer = new EmotionRecognizer(s.Model, detector, aligner, s.Options);
        var rows = new ConcurrentDictionary<int, Row>();
        BatchResult result;
        using (var reporter = context.Progress(parse))
        {
            var options = new BatchOptions<MediaInput>
            {
                Jobs = 1,   // the cascade and the network are used by one thread at a time
                Label = "video emotion",
                IsDone = s.Force
                    ? null
                    : i => i.Problem is null && i.Clash is null && OutputFolder.Finished(JsonPath(s, i)) &&
                        (!s.Annotate || OutputFolder.Finished(AnnotatedPath(s, i))),
            };
            // One video: its frames drive a bar of their own, since the batch bar would sit at 0 of 1.
            var fileProgress = inputs.Count == 1 ? reporter : null;
            result = await BatchRunner.RunAsync(inputs, i => i.Path,
                (input, token) => Task.Run(
                    () => rows[input.Index] = One(context, s, recognizer, input, fileProgress, token), token),
                options, reporter, ct).ConfigureAwait(false);
        }

        if (!rows.IsEmpty)
        {
            var ordered = rows.OrderBy(r => r.Key).Select(r => r.Value);
            context.Stdout.Write(Table(ordered, context.Environment.IsOutputRedirected));
        }

        if (result.Failures.Count > 0 || result.Skipped > 0 || result.Interrupted || !context.IsQuiet(parse))
        {
            result.WriteSummary(context.Environment.Error);
        }

        return result.ExitCode;
    }

    private static Row One(CliContext context, Settings s, EmotionRecognizer recognizer, MediaInput input,
        IProgressReporter? reporter, CancellationToken ct)
    {
        if (input.Problem is not null)
        {
            throw new InvalidDataException(input.Problem);
        }

        double? fps = EmotionMedia.IsImage(input.Path) ? null : s.Fps;
        if (fps is null && FaceImageCheck.DeclaredSize(input.Path) is { } tooLarge)
        {
            // OpenCV decodes stills up to a gigapixel (3 GB of BGR) before the face detector runs.
            throw new InvalidDataException(tooLarge);
        }

        EmotionClipResult clip;
        try
        {
            clip = Analyse(context, recognizer, input.Path, fps, reporter, ct);
        }
        catch (VideoFormatException e)
        {
            // The batch's error line names the file already; the reason alone follows it.
            throw new InvalidDataException(e.Reason, e);
        }

        InputPaths.ThrowIfClash(input.Clash);
        string? annotated = null;
        if (s.Annotate)
        {
            annotated = AnnotatedPath(s, input);
            var written = EmotionMedia.WriteAnnotated(input.Path, annotated, clip, s.Model.Labels, fps);
            if (written.ScaledDown)
            {
                context.Environment.Error.WriteLine(ErrorLine.FormatWarning(annotated,
                    $"scaled down to {written.Width}x{written.Height}: " +
                    "the mp4v encoder does not take the video's size"));
            }
        }

        EmotionJson.Write(JsonPath(s, input), Path.GetFileName(input.Path), clip);
        if (!s.Annotate && AnnotatedPath(s, input) is var stale && File.Exists(stale))
        {
            // An earlier run's picture of an earlier result: said rather than deleted (it is a file
            // this run did not make, and the user may want it).
            context.Environment.Error.WriteLine(ErrorLine.FormatWarning(stale,
                "left by an earlier run with --annotate: it does not show this run's result; " +
                "rerun with --annotate --force to replace it"));
        }

        return new Row(input.Path, clip.Emotion, clip.Confidence, clip.Tracks.Count, clip.Frames, annotated);
    }

    // One input's frames through the recognizer; a video (fps given) of a one-input run drives a bar
    // of its own, in percent of the video.
    private static EmotionClipResult Analyse(CliContext context, EmotionRecognizer recognizer, string path,
        double? fps, IProgressReporter? reporter, CancellationToken ct)
    {
        using var task = fps is null ? null : reporter?.Start(Path.GetFileName(path) + " (% of video)", 100);
        try
        {
            // Reader warnings name the file already ("'clip.mp4': ..."), as in video predict.
            var frames = EmotionMedia.Frames(path, fps, w => context.Error(null, "warning: " + w),
                task is null ? null : new PercentProgress(task));
            return recognizer.Run(frames, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped where Ctrl-C found it, as the batch's bar is: disposing it would say "done 89/100".
            task?.Interrupt();
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            task?.Stop();   // a bad file: its error line follows
            throw;
        }
    }

    // The bundled emotion model's folder, which holds the face cascade: a model trained by `train
    // emotion` has none beside it, and without Debian's opencv-data it could not be used at all.
    private static string? BundledCascadeFolder(CliEnvironment environment) =>
        BundledModel.Bundled(EmotionModelLocator.DefaultModel, environment, HaarFaceDetector.DefaultCascadeName);

    private static HaarFaceDetector OpenDetector(Settings s, string? bundled)
    {
        string? path = HaarFaceDetector.Locate(s.Cascade, s.ModelDir)
            ?? (bundled is null ? null : HaarFaceDetector.Locate(null, bundled));
        if (path is null)
        {
            throw new CliException(null,
                $"no face cascade: pass --cascade FILE, put {HaarFaceDetector.DefaultCascadeName} " +
                $"in the model directory, or install Debian's opencv-data ({HaarFaceDetector.DebianCascadeFolder}); " +
                $"the bundled {EmotionModelLocator.DefaultModel} model's copy was not found either");
        }

        try
        {
            return new HaarFaceDetector(path);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            throw new CliException(path, e.Message.Replace($"face cascade '{path}' ", "", StringComparison.Ordinal));
        }
    }

    private static FaceAligner? OpenAligner(string cascadePath, string modelDir)
    {
        string? eyes = FaceAligner.Locate(cascadePath, modelDir);
        try
        {
            return new FaceAligner(eyes);
        }
        catch (InvalidDataException e)
        {
            throw new CliException(eyes, e.Message);
        }
    }

    private static string JsonPath(Settings s, MediaInput input) =>
        Path.Combine(s.OutDir, Path.GetFileNameWithoutExtension(input.Path) + ".json");

    private static string AnnotatedPath(Settings s, MediaInput input) => Path.Combine(s.OutDir,
        Path.GetFileNameWithoutExtension(input.Path) + ".annotated" +
        (EmotionMedia.IsImage(input.Path) ? ".png" : ".mp4"));

    private static Table Table(IEnumerable<Row> rows, bool redirected)
    {
        var c = CultureInfo.InvariantCulture;
        var table = new Table { Border = redirected ? TableBorder.Ascii : TableBorder.Rounded };
        table.AddColumn("File");
        table.AddColumn("Emotion");
        table.AddColumn(new TableColumn("Confidence").RightAligned());
        table.AddColumn(new TableColumn("Faces").RightAligned());
        table.AddColumn(new TableColumn("Frames").RightAligned());
        foreach (var r in rows)
        {
            table.AddRow(Markup.Escape(TerminalText.Name(r.File)), r.Emotion ?? "(no face)",
                r.Confidence is { } p ? p.ToString("0.00", c) : "-", r.Tracks.ToString(c), r.Frames.ToString(c));
        }

        return table;
    }
}
