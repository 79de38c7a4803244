using System.CommandLine;
using Multimodal.Cli.Batch;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Output;
using Pipelines.Captioning.Captioning;
using Pipelines.Captioning.Decoding;
using static Multimodal.Cli.Commands.Captioning.CaptionOptions;
using static Multimodal.Cli.Hosting.OptionBuilders;

namespace Multimodal.Cli.Commands.Captioning;

/// <summary>
/// <c>multimodal caption PATHS... [--model DIR] [--beam K] [--out x.jsonl|x.csv] [--html FILE]
/// [--jobs N]</c>: captions image files and folders. Without <c>--out</c> it prints
/// <c>path&lt;TAB&gt;caption</c> per image in input order; with it, the file is rewritten atomically
/// after each batch and a rerun skips the images already in it. A bad file costs one error line,
/// the others are still done, and the exit code is 1 at the end. Before any work, <c>--html</c> is
/// refused when it names an input (exit 1) or the <c>--out</c> file (a usage error, exit 2).
/// </summary>
public sealed class CaptionCommand : ICommandModule
{
    /// <inheritdoc />
    public Command Build(CliContext context)
    {
        var paths = RefuseEmptyPaths(new Argument<string[]>("paths")
        {
            Description = "Image files (JPEG, PNG, BMP, GIF, WebP, TIFF) and folders of them (not subfolders)",
            Arity = ArgumentArity.OneOrMore,
        });
        var model = PathOption("--model",
            $"Caption model directory (default: the bundled {CaptionModelLocator.DefaultModel})", "dir");
        var outFile = OutputFile("--out", "Write captions to x.jsonl (JSON Lines) or x.csv; a rerun skips files in it",
            ".jsonl", ".csv");
        outFile.Aliases.Add("-o");   // as transcribe and video predict have it
        var html = OutputFile("--html", "Also write an offline HTML gallery (embedded thumbnails)");
        var beam = Beam();
        var alpha = LengthPenalty();
        var trigrams = BlockTrigrams();
        var jobs = JobsOption.Create();
        jobs.Description = "Threads for decoding and the encoder (0: every core; images are batched either way)";
        jobs.DefaultValueFactory = _ => 0;
        var command = new Command("caption", "Describe images in a sentence")
        {
            paths, model, outFile, html, beam, alpha, trigrams, jobs,
        };
        // The gallery, written last, would replace the captions. Compared as the clash checks
        // compare paths (InputPaths.Target); an empty path has its own error.
        command.Validators.Add(result =>
        {
            if (result.GetValue(outFile) is { Length: > 0 } captions && result.GetValue(html) is { } gallery
                && string.Equals(InputPaths.Target(captions), InputPaths.Target(gallery),
                    StringComparison.OrdinalIgnoreCase))
            {
                string names = captions == gallery
                    ? $"'{TerminalText.Name(captions)}'"
                    : $"'{TerminalText.Name(captions)}', '{TerminalText.Name(gallery)}'";
                result.AddError($"--out and --html name the same file ({names}); write the gallery to another file");
            }
        });
        command.SetAction((parse, ct) =>
        {
            var options = new BeamSearchOptions
            {
                BeamWidth = BeamWidth(parse.GetValue(beam)),
                LengthPenalty = (float)parse.GetValue(alpha),
                BlockRepeatedTrigrams = parse.GetValue(trigrams),
            };
            var run = new CaptionRun(context, parse, options, parse.GetValue(outFile), parse.GetValue(html),
                JobsOption.Resolve(parse.GetValue(jobs)));
            // Task.Run: System.CommandLine puts its Ctrl-C handler in place only once the action has
            // returned its task; a run done before returning one was killed by the signal, without a word.
            return Task.Run(() => run.Execute(parse.GetValue(paths)!, parse.GetValue(model), ct));
        });
        return command;
    }
}
