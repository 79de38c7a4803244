using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using Multimodal.Cli.Hosting;

namespace Multimodal.Cli.Commands;

/// <summary>
/// The progress bar of an <c>eval</c> verb, and where Ctrl-C stops it. The verbs start their work
/// with Task.Run, as the train verbs do (see <see cref="TrainingInterrupt"/>), so that
/// System.CommandLine's Ctrl-C handler is in place; the scoring reports each utterance, image or
/// batch it finishes, and the first report after Ctrl-C ends it there. The bar then closes as
/// interrupted and <see cref="Interrupted"/> says how far it got. Scores print only at the end, so
/// nothing is half-printed.
/// </summary>
/// <example>
/// <code>
/// var eval = new EvalProgress(context, "eval speech", entries.Count, "utterances", ct);
/// if (!eval.TryRun(parse, done => Score(entries, done), out var scores)) return eval.Interrupted();
/// </code>
/// </example>
/// <param name="context">Streams of the run.</param>
/// <param name="verb">The bar's name and the line's subject, e.g. "eval speech".</param>
/// <param name="total">Items to score.</param>
/// <param name="items">What an item is, plural, for the line: "utterances", "images".</param>
/// <param name="cancellation">The action's token, cancelled by Ctrl-C.</param>
internal sealed class EvalProgress(
    CliContext context, string verb, int total, string items, CancellationToken cancellation)
{
    /// <summary>Items finished when the work ended.</summary>
    public int Done { get; private set; }

    /// <summary>
    /// Runs <paramref name="score"/> under a progress bar. It calls the action it is given with the
    /// number of items finished so far; after Ctrl-C that call throws, which ends the scoring.
    /// </summary>
    /// <returns>False when Ctrl-C stopped the work (the bar is closed then); true with the result.</returns>
    public bool TryRun<T>(ParseResult parse, Func<Action<int>, T> score, [MaybeNullWhen(false)] out T result)
    {
        using var reporter = context.Progress(parse);
        using var task = reporter.Start(verb, total);
        try
        {
            // Ctrl-C while the model loaded: stop before the first item.
            cancellation.ThrowIfCancellationRequested();
            result = score(done =>
            {
                task.Advance(done - Done);
                Done = done;
                cancellation.ThrowIfCancellationRequested();
            });
            return true;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            task.Interrupt();
            result = default;
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            task.Stop();   // the error line follows; the bar must not say "done"
            throw;
        }
    }

    /// <summary>
    /// Writes "interrupted: VERB stopped after N of M ITEMS; nothing was written" to stderr and
    /// returns the interrupted exit code. Call it once <see cref="TryRun{T}"/> returned false.
    /// </summary>
    public int Interrupted()
    {
        context.Environment.Error.WriteLine(
            $"interrupted: {verb} stopped after {Done} of {total} {items}; nothing was written");
        return ExitCodes.Interrupted;
    }
}
