using System.CommandLine;
using System.Globalization;
using Multimodal.Cli.Batch;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Output;
using Pipelines.Captioning.Captioning;
using Pipelines.Captioning.Decoding;
using Pipelines.Captioning.Images;

namespace Multimodal.Cli.Commands.Captioning;

/// <summary>One <c>caption</c> run over expanded inputs: batches, outputs, failures, summary.</summary>
internal sealed class CaptionRun(CliContext context, ParseResult parse, BeamSearchOptions options, string? outFile,
    string? htmlFile, int jobs)
{
    public int Execute(string[] arguments, string? modelDir, CancellationToken ct)
    {
        var (given, missing, order) = ImageInputs.Expand(arguments);
        var once = InputPaths.Once(given, p => p.Path, isBad: _ => false, (again, first) =>
            context.Environment.Error.WriteLine(ErrorLine.FormatWarning(again.Path,
                InputPaths.GivenAgain(again.Path, again.Folder, first.Path, first.Folder, "captioned once"))));

        // A bad input named twice ("nope.jpg nope.jpg", a pipe in a folder and named directly) is one
        // error line and one failure, as a good one is captioned once.
        missing = InputPaths.Once(missing, m => m.Path, isBad: _ => true, again: (_, _) => { });
        // This run's own outputs found in an input folder ("caption photos/ --out photos/captions.jsonl",
        // or a rerun with the gallery in photos/) are not images to caption, so they are left out; an
        // image there, or an output named directly as an input, is refused below, since writing the
        // output would replace it.
        // Their lock files too: one left by a killed run is no image either.
        var outputs = new[] { outFile, htmlFile }.OfType<string>()
            .SelectMany(f => new[] { f, OutputLock.PathFor(f) }).Select(InputPaths.Target).ToList();
        bool IsOutput(string path) =>
            outputs.Contains(InputPaths.Canonical(path), StringComparer.OrdinalIgnoreCase);
        var inputs = once.Where(i => i.Folder is null || !IsOutput(i.Path) || ImageLoader.StartsLikeImage(i.Path))
            .Select(i => i.Path).ToList();
        foreach (var (file, option, what) in
            new[] { (outFile, "--out", "the captions"), (htmlFile, "--html", "the gallery") })
        {
            if (file is not null)
            {
                RefuseInput(inputs, file, option, what);
            }
        }

        // Held from before the out file is read (its lines are the ones skipped) until the last write:
        // two runs writing one file each rewrote it whole, and the last one's lines were all it kept.
        using var outLock = outFile is null ? null : Hold(outFile, "--out");
        using var htmlLock = htmlFile is null ? null : Hold(htmlFile, "--html");
        CaptionWriter? writer = null;
        if (outFile is not null)
        {
            try
            {
                writer = CaptionWriter.Open(outFile);
            }
            catch (InvalidDataException e)
            {
                throw new CliException(outFile, e.Message);
            }
        }

        // Done is decided on canonical paths, so "good/x.jpg", "./good/x.jpg" and a link to it are
        // one file; the out file keeps the spelling it was first written with. A relative path in
        // it is taken from the current folder: the folder it was written from is not recorded.
        var done = writer?.Lines.Select(l => InputPaths.Canonical(l.File)).ToHashSet(StringComparer.Ordinal) ?? [];
        var todo = inputs.Where(p => !done.Contains(InputPaths.Canonical(p))).ToArray();
        int skipped = inputs.Count - todo.Length;
        using var captioner = CaptionModelLocator.Load(CaptionModelLocator.Resolve(modelDir, context.Environment),
            context.Environment, jobs);
        var failures = missing.Select(m => new BatchFailure(m.Path, m.Reason)).ToList();
        var fresh = new List<CaptionLine>();
        bool interrupted = false;
        using (var reporter = context.Progress(parse, linesOnStdout: writer is null))
        using (var task = reporter.Start("caption", todo.Length))
        {
            try
            {
                for (int start = 0; start < todo.Length; start += captioner.BatchSize)
                {
                    if (ct.IsCancellationRequested)
                    {
                        // Ctrl-C: keep what is written, close the bar as interrupted, and say how far it got.
                        interrupted = true;
                        task.Interrupt();
                        break;
                    }

                    var batch = todo.Skip(start).Take(captioner.BatchSize).ToArray();
                    fresh.AddRange(CaptionBatch(captioner, batch, writer, failures));
                    task.Advance(batch.Length);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failure that ends the run (a full disk): the bar says it stopped, not "done".
                task.Stop();
                throw;
            }
        }

        var captioned = writer?.Lines ?? fresh;
        if (htmlFile is not null && !interrupted && captioned.Count > 0)
        {
            CaptionGallery.Write(htmlFile, captioned, captioner.Loader);
        }

        // In the order the inputs were given (the ones known bad before any work came first).
        failures = failures.OrderBy(f => order.TryGetValue(f.Item, out int at) ? at : int.MaxValue).ToList();
        var result = new BatchResult(inputs.Count + missing.Count, fresh.Count, skipped, failures, interrupted);
        if (failures.Count > 0 || skipped > 0 || interrupted || !context.IsQuiet(parse))
        {
            result.WriteSummary(context.Environment.Error);
        }

        return result.ExitCode;
    }

    private static OutputLock Hold(string file, string option)
    {
        OutputFolder.PrepareFile(file, option);   // the lock file goes in its folder
        return OutputLock.Acquire(file, "caption run");
    }

    // One batch: its captions printed (no --out) or appended to the captions file, its failures noted.
    private List<CaptionLine> CaptionBatch(ImageCaptioner captioner, string[] batch, CaptionWriter? writer,
        List<BatchFailure> failures)
    {
        var lines = new List<CaptionLine>();
        foreach (var r in captioner.CaptionBatch(batch, options, jobs))
        {
            if (r.Caption is not { } c)
            {
                failures.Add(new BatchFailure(r.Path, r.Error ?? "failed"));
                continue;
            }

            lines.Add(new CaptionLine(r.Path, c.Text, c.Score));
            if (writer is null)
            {
                context.Environment.Out.WriteLine($"{TsvField.Escape(r.Path)}\t{c.Text}");
            }
        }

        // A batch whose every image failed writes nothing: no empty .jsonl or header-only .csv when
        // nothing could be captioned.
        if (lines.Count > 0)
        {
            writer?.Append(lines);
        }

        return lines;
    }

    // The gallery and the captions file are renamed over their names at the end, so
    // "caption x.jpg --html x.jpg" replaced the image; refused before any work, as transcribe refuses
    // an output that is one of its inputs.
    private static void RefuseInput(IReadOnlyList<string> inputs, string file, string option, string what)
    {
        if (InputPaths.InputAt(inputs, file) is { } input)
        {
            string which = input == file ? "" : $" ({TerminalText.Name(input)})";
            throw new CliException(file,
                $"{option} would write over an input of this run{which}; write {what} to another file");
        }
    }
}
