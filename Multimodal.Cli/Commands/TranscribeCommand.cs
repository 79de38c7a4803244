using System.CommandLine;
using Multimodal.Cli.Batch;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Output;
using Multimodal.Cli.Progress;
using Pipelines.Speech.Output;
using Pipelines.Speech.Transcription;
using static Multimodal.Cli.Hosting.OptionBuilders;

namespace Multimodal.Cli.Commands;

/// <summary>
/// <c>multimodal transcribe PATHS... [--model DIR] [--format F] [--out DIR] [--beam N] [--jobs N]
/// [--force] [--digits]</c>: speech to text for files and folders. Without <c>--out</c> it prints
/// <c>path&lt;TAB&gt;text</c> per file in input order; with it, it writes one transcript file per
/// input and skips those already written unless <c>--force</c>. A bad file costs one error line
/// and exit code 1; the other files are still done.
/// </summary>
public sealed class TranscribeCommand : ICommandModule
{
    private sealed record Settings(
        SpeechTranscriber Transcriber, TranscriptionOptions Options, TranscriptFormat Format, string? OutDir,
        Action<string, string> Warn);

    private static readonly string[] Formats = ["txt", "json", "srt", "vtt"];

    /// <inheritdoc />
    public Command Build(CliContext context)
    {
        var paths = RefuseEmptyPaths(new Argument<string[]>("paths")
        {
            Description = "Audio files (WAV, MP3) and folders of them (their .wav/.mp3/... files, not subfolders)",
            Arity = ArgumentArity.OneOrMore,
        });
        var model = PathOption("--model",
            $"Speech model directory (default: the bundled {SpeechModelLocator.DefaultModel})", "dir");
        var format = new Option<string>("--format", "-f")
        {
            Description = "Output format with --out",
            DefaultValueFactory = _ => "txt",
            HelpName = "txt|json|srt|vtt",
        };
        OneOf(format, Formats);
        var outDir = Folder("--out", "Write <name>.<format> files here instead of printing path<TAB>text");
        outDir.Aliases.Add("-o");
        var beam = BeamOption();
        var jobs = JobsOption.Create();
        var force = new Option<bool>("--force") { Description = "Overwrite transcripts that already exist" };
        var digits = new Option<bool>("--digits") { Description = "Write digit words as numerals (seven -> 7)" };
        var command = new Command("transcribe", "Transcribe speech in audio files")
        {
            paths, model, format, outDir, beam, jobs, force, digits,
        };
        // Without --out the output is path<TAB>text lines; a --format there would be silently ignored.
        command.Validators.Add(result =>
        {
            // A bad format value has its own error already; one line is enough.
            if (result.GetResult(format) is { Implicit: false } given && result.GetResult(outDir) is null
                && given.Tokens.Count > 0 && Formats.Contains(given.Tokens[^1].Value, StringComparer.OrdinalIgnoreCase))
            {
                result.AddError("--format needs --out DIR (without --out, transcribe prints path<TAB>text lines)");
            }
        });
        command.SetAction(async (parse, ct) =>
        {
            // Before the model loads: an --out that cannot take files would fail every input. A folder
            // made here is removed again if no input gets written into it.
            using var reserved = parse.GetValue(outDir) is { } dir ? OutputFolder.Reserve(dir, "--out") : null;

            var transcriber = SpeechModelLocator.Load(
                SpeechModelLocator.Resolve(parse.GetValue(model), context.Environment));
            var settings = new Settings(
                transcriber,
                new TranscriptionOptions
                {
                    BeamWidth = parse.GetValue(beam),
                    DigitsAsNumerals = parse.GetValue(digits),
                },
                TranscriptWriter.ParseFormat(parse.GetValue(format)!),
                parse.GetValue(outDir),
                WarningWriter(context.Environment.Error));
            return await RunAsync(context, parse, settings, parse.GetValue(paths)!,
                JobsOption.Resolve(parse.GetValue(jobs)), parse.GetValue(force), ct).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The <c>--beam N</c> option: 0 or 1 greedy, up to 1024.</summary>
    public static Option<int> BeamOption()
    {
        var beam = new Option<int>("--beam")
        {
            Description = "CTC beam width (0 or 1: greedy)",
            DefaultValueFactory = _ => 0,
            HelpName = "n",
        };
        return OptionBuilders.WholeNumber(beam, 0, 1024);
    }

    private static async Task<int> RunAsync(CliContext context, ParseResult parse, Settings settings,
        string[] paths, int jobs, bool force, CancellationToken ct)
    {
        var inputs = AudioInputs.WithoutDuplicates(AudioInputs.Expand(paths),
            (again, first) => settings.Warn(again.Path,
                InputPaths.GivenAgain(again.Path, again.Folder, first.Path, first.Folder, "transcribed once")));
        // --out naming a file is refused while parsing (OptionBuilders.Folder), one that cannot take
        // files before the model loads (OutputFolder).
        if (settings.OutDir is not null)
        {
            inputs = AudioInputs.CheckOutputNames(inputs, i => OutputPath(settings, i));
        }

        var lines = settings.OutDir is null ? new OrderedLines(context.Environment.Out, inputs.Count) : null;
        var reporter = context.Progress(parse, linesOnStdout: lines is not null);
        var options = new BatchOptions<AudioInput>
        {
            Jobs = jobs,
            Label = "transcribe",
            IsDone = settings.OutDir is null || force
                ? null
                : i => i.Problem is null && i.Clash is null && OutputFolder.Finished(OutputPath(settings, i)),
        };
        // One file: its segments drive a bar of their own, since the batch bar would sit at 0 of 1.
        IProgressReporter? fileProgress = inputs.Count == 1 ? reporter : null;
        BatchResult result;
        try
        {
            result = await BatchRunner.RunAsync(inputs, i => i.Path,
                (input, token) => Task.Run(() => TranscribeOne(settings, input, lines, fileProgress, token), token),
                options, reporter, ct).ConfigureAwait(false);
        }
        finally
        {
            // The bar is closed (and the cursor shown again) before the summary, so it ends the output.
            reporter.Dispose();
        }

        if (result.Failures.Count > 0 || result.Skipped > 0 || result.Interrupted || !context.IsQuiet(parse))
        {
            result.WriteSummary(context.Environment.Error);
        }

        return result.ExitCode;
    }

    private static void TranscribeOne(
        Settings settings, AudioInput input, OrderedLines? lines, IProgressReporter? reporter, CancellationToken ct)
    {
        string? line = null;
        try
        {
            AudioInputs.ThrowIfBad(input);
            using var task = reporter?.Start(Path.GetFileName(input.Path) + " (% of audio)", 100);
            var progress = task is null ? null : new PercentProgress(task);
            TranscriptionResult result;
            try
            {
                result = settings.Transcriber.Transcribe(input.Path, settings.Options, progress, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The file's own bar (one input) stops where Ctrl-C found it, as the batch's does.
                task?.Interrupt();
                throw;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The batch's error line names the file already; the message is the reason alone.
                task?.Stop();
                throw new InvalidDataException(SpeechModelLocator.Reason(e), e);
            }

            foreach (string warning in result.Warnings)
            {
                settings.Warn(input.Path, warning);
            }

            InputPaths.ThrowIfClash(input.Clash);

            if (settings.OutDir is null)
            {
                line = $"{TsvField.Escape(input.Path)}\t{result.Transcript.Text}";
            }
            else
            {
                var audio = new AudioInfo(Path.GetFileName(input.Path), result.Duration);
                TranscriptWriter.Write(OutputPath(settings, input), settings.Format, result.Transcript, audio);
            }
        }
        finally
        {
            lines?.Complete(input.Index, line);
        }
    }

    // "warning: <file>: <reason>" on stderr, one whole line at a time even with --jobs.
    private static Action<string, string> WarningWriter(TextWriter error)
    {
        var gate = new object();
        return (subject, reason) =>
        {
            string line = ErrorLine.FormatWarning(subject, reason);
            lock (gate)
            {
                error.WriteLine(line);
            }
        };
    }

    private static string OutputPath(Settings settings, AudioInput input) => Path.Combine(
        settings.OutDir!, Path.GetFileNameWithoutExtension(input.Path) + TranscriptWriter.Extension(settings.Format));
}
