using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Multimodal.Cli.Hosting;
using Pipelines.Speech.Data;
using Pipelines.Speech.Transcription;
using static Multimodal.Cli.Hosting.OptionBuilders;

namespace Multimodal.Cli.Commands;

/// <summary>
/// <c>multimodal eval speech [--model DIR] --manifest FILE.tsv [--beam N] [--json]</c>: transcribes
/// every row of a manifest (path&lt;TAB&gt;transcript, paths relative to the manifest) and prints
/// WER, CER and the real-time factor. Other pipelines add their own <c>eval</c> subcommands here.
/// </summary>
public sealed class EvalCommand : ICommandModule
{
    /// <inheritdoc />
    public Command Build(CliContext context) =>
        new("eval", "Score a model on a labelled test set")
        {
            Speech(context),
            Captioning.EvalCaptionCommand.Build(context),
            Video.EvalVideoPredictCommand.Build(context),
            Emotion.EvalEmotionCommand.Build(context),
        };

    private static Command Speech(CliContext context)
    {
        var model = PathOption("--model",
            $"Speech model directory (default: the bundled {SpeechModelLocator.DefaultModel})", "dir");
        var manifest = PathOption("--manifest",
            "TSV of path<TAB>transcript rows; paths relative to the manifest's folder", "file.tsv", required: true);
        var beam = TranscribeCommand.BeamOption();
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object {wer, cer, rtf, utterances, failed}",
        };
        var command = new Command("speech", "Word and character error rates and real-time factor of a speech model")
        {
            model, manifest, beam, json,
        };
        command.SetAction((parse, ct) => Task.Run(() => Run(context, parse, parse.GetValue(model),
            parse.GetValue(manifest)!, parse.GetValue(beam), parse.GetValue(json), ct)));
        return command;
    }

    private static int Run(CliContext context, ParseResult parse, string? modelDir, string manifest, int beam,
        bool json, CancellationToken ct)
    {
        if (json)
        {
            context.PromiseJson(Json(null));
        }

        // Missing audio is found per row below, like unreadable audio: one line each, the rest scored.
        if (ManifestRows.Read(context, manifest, requireAudio: false, allowEmptyTranscript: true)
            is not { } entries)
        {
            return ExitCodes.Failure;
        }

        var transcriber = SpeechModelLocator.Load(SpeechModelLocator.Resolve(modelDir, context.Environment));
        var failures = new List<(ManifestEntry Entry, string Reason)>();
        var eval = new EvalProgress(context, "eval speech", entries.Count, "utterances", ct);
        bool finished = eval.TryRun(parse, done =>
        {
            try
            {
                return SpeechEvaluator.Evaluate(transcriber, entries, new TranscriptionOptions { BeamWidth = beam },
                    done, (entry, e) => failures.Add((entry, SpeechModelLocator.Reason(e))));
            }
            catch (InvalidDataException) when (failures.Count == entries.Count)
            {
                // Every row failed: the lines below say why, and there is nothing to score.
                return null;
            }
        }, out SpeechEvaluation? scores);

        // The rows that failed before a Ctrl-C are said too: they would fail the next run as well.
        foreach (var (entry, reason) in failures)
        {
            ErrorLine.Write(context.Environment.Error, $"{manifest}:{entry.Line}: {entry.AudioPath}", reason);
        }

        if (!finished)
        {
            return eval.Interrupted();
        }

        if (scores is null)
        {
            string nothing = entries.Count == 1
                ? "the utterance failed; nothing scored"
                : $"all {entries.Count} utterances failed; nothing scored";
            context.Environment.Error.WriteLine(nothing);
            if (json)
            {
                // A script still gets its one object: nothing scored, every row failed, and why.
                context.PromiseJson(Json(null, failures.Count));
                context.WriteJsonError(null, nothing);
            }

            return ExitCodes.Failure;
        }

        context.Environment.Out.WriteLine(json ? Json(scores).ToJsonString() : Text(scores));
        if (failures.Count == 0)
        {
            return ExitCodes.Success;
        }

        context.Environment.Error.WriteLine(
            $"{failures.Count} of {entries.Count} utterances failed and are not in the scores");
        return ExitCodes.Failure;
    }

    // The --json object; without scores (nothing scored, or an error first) the same keys, figures null.
    private static JsonObject Json(SpeechEvaluation? s, int failed = 0) => new()
    {
        ["wer"] = s?.WordErrorRate,
        ["cer"] = s?.CharacterErrorRate,
        ["rtf"] = s?.RealTimeFactor,
        ["utterances"] = s?.Utterances ?? 0,
        ["failed"] = s?.Failed ?? failed,
    };

    private static string Text(SpeechEvaluation s) => string.Create(CultureInfo.InvariantCulture,
        $"WER  {s.WordErrorRate * 100:F2}%\nCER  {s.CharacterErrorRate * 100:F2}%\n"
        + $"RTF  {(s.RealTimeFactor is { } rtf ? rtf.ToString("F4", CultureInfo.InvariantCulture) : "n/a")} "
        + $"({s.ProcessingSeconds:F2} s for {s.AudioSeconds:F2} s of audio)\n"
        + $"utterances  {s.Utterances} scored{(s.Failed > 0 ? $" ({s.Failed} more failed)" : "")}");
}
