using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Multimodal.Cli.Batch;
using Multimodal.Cli.Hosting;
using Pipelines.Captioning.Decoding;
using Pipelines.Captioning.Metrics;
using static Multimodal.Cli.Commands.Captioning.CaptionOptions;
using static Multimodal.Cli.Hosting.OptionBuilders;

namespace Multimodal.Cli.Commands.Captioning;

/// <summary>
/// <c>multimodal eval caption [--model DIR] --images DIR --captions FILE [--split NAME] [--beam K]
/// [--json]</c>: captions every image of the caption file (or of one split) end to end, from the
/// files, and prints corpus BLEU-1..4, CIDEr-D and the throughput in images per second.
/// </summary>
public static class EvalCaptionCommand
{
    /// <summary>The <c>caption</c> subcommand of <c>eval</c>.</summary>
    public static Command Build(CliContext context)
    {
        var model = PathOption("--model",
            $"Caption model directory (default: the bundled {CaptionModelLocator.DefaultModel})", "dir");
        var images = Folder("--images", "Folder the caption file's image names are relative to", required: true);
        var captions = PathOption("--captions", "Flickr8k token file, COCO caption JSON or TSV with the human captions",
            "file", required: true);
        var split = Text("--split", "Score only this split when the file has a split column (e.g. dev)", "name");
        var beam = Beam();
        var alpha = LengthPenalty();
        var trigrams = BlockTrigrams();
        var jobs = JobsOption.Create();
        jobs.Description = "Threads for decoding and the encoder (0: every core)";
        jobs.DefaultValueFactory = _ => 0;
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the scores" };
        var command = new Command("caption", "BLEU-1..4, CIDEr-D and images/s of a caption model")
        {
            model, images, captions, split, beam, alpha, trigrams, jobs, json,
        };
        command.SetAction((parse, ct) => Task.Run(() => Run(context, parse, parse.GetValue(model),
            parse.GetValue(images)!, parse.GetValue(captions)!, parse.GetValue(split), new BeamSearchOptions
            {
                BeamWidth = BeamWidth(parse.GetValue(beam)),
                LengthPenalty = (float)parse.GetValue(alpha),
                BlockRepeatedTrigrams = parse.GetValue(trigrams),
            }, JobsOption.Resolve(parse.GetValue(jobs)), parse.GetValue(json), ct)));
        return command;
    }

    private static int Run(CliContext context, ParseResult parse, string? modelDir, string imagesDir,
        string captionFile, string? split, BeamSearchOptions options, int jobs, bool json, CancellationToken ct)
    {
        if (json)
        {
            context.PromiseJson(Json(null, 0, null));
        }

        if (!Directory.Exists(imagesDir))
        {
            throw new CliException(imagesDir, "image folder does not exist");
        }

        var all = CaptionInputs.Read(captionFile);
        if (split is not null && all.Count > 0 && all.All(i => i.Split is null))
        {
            // --split applies to files with a split column; without one every image is scored, said once.
            context.Environment.Error.WriteLine(ErrorLine.FormatWarning(captionFile,
                $"has no split column; --split {split} is ignored and every image is scored"));
        }

        var entries = CaptionInputs.OfSplit(all, split, captionFile);
        var env = context.Environment;
        using var captioner = CaptionModelLocator.Load(CaptionModelLocator.Resolve(modelDir, env), env, jobs);
        var paths = entries.Select(e => CaptionInputs.PathOf(imagesDir, e)).ToArray();
        var generated = new List<string>();
        var references = new List<IReadOnlyList<string>>();
        int failed = 0;
        var clock = Stopwatch.StartNew();
        var eval = new EvalProgress(context, "eval caption", paths.Length, "images", ct);
        bool finished = eval.TryRun(parse, done =>
        {
            int i = 0;
            foreach (var r in captioner.Caption(paths, options))
            {
                if (r.Caption is { } c)
                {
                    generated.Add(c.Text);
                    references.Add(entries[i].Captions);
                }
                else
                {
                    context.Error(r.Path, r.Error ?? "failed");
                    failed++;
                }

                done(++i);
            }

            return i;
        }, out _);
        if (!finished)
        {
            return eval.Interrupted();
        }

        double seconds = clock.Elapsed.TotalSeconds;
        if (generated.Count == 0)
        {
            if (json)
            {
                // CliApp prints this object with the error: it counts the images that failed, as in eval speech.
                context.PromiseJson(Json(null, failed, null));
            }

            throw new CliException(imagesDir, $"none of the {paths.Length} images could be captioned");
        }

        var scores = CaptionScores.Compute(generated, references);
        double rate = paths.Length / Math.Max(seconds, 1e-9);
        context.Environment.Out.WriteLine(
            json ? Json(scores, failed, rate).ToJsonString() : Report(scores, failed, rate, seconds));
        return failed > 0 ? ExitCodes.Failure : ExitCodes.Success;
    }

    // The --json object; without scores (nothing scored, or an error first) the same keys, figures null.
    private static JsonObject Json(CaptionScores? s, int failed, double? rate) => new()
    {
        ["bleu1"] = Rounded(s?.Bleu1, 4),
        ["bleu2"] = Rounded(s?.Bleu2, 4),
        ["bleu3"] = Rounded(s?.Bleu3, 4),
        ["bleu4"] = Rounded(s?.Bleu4, 4),
        ["cider_d"] = Rounded(s?.CiderD, 4),
        ["images"] = s?.Images ?? 0,
        ["failed"] = failed,
        ["images_per_second"] = Rounded(rate, 2),
    };

    private static double? Rounded(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;

    private static string Report(CaptionScores s, int failed, double rate, double seconds) =>
        string.Create(CultureInfo.InvariantCulture,
            $"BLEU-1   {s.Bleu1:F4}\nBLEU-2   {s.Bleu2:F4}\nBLEU-3   {s.Bleu3:F4}\nBLEU-4   {s.Bleu4:F4}\n"
            + $"CIDEr-D  {s.CiderD:F4}\nimages   {s.Images} ({failed} failed)\n"
            + $"speed    {rate:F1} images/s ({seconds:F1} s end to end)");
}
