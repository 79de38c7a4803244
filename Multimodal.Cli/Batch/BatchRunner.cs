using System.Collections.Concurrent;
using Multimodal.Cli.Output;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Progress;

namespace Multimodal.Cli.Batch;

/// <summary>
/// Runs a verb's work over many items (files, usually) with up to <c>--jobs</c> at once. A failing
/// item is recorded and the rest continue; the caller prints <see cref="BatchResult.WriteSummary"/>
/// and returns <see cref="BatchResult.ExitCode"/>.
/// </summary>
/// <example>
/// <code>
/// var result = await BatchRunner.RunAsync(files, f => f.FullName, Transcribe,
///     new BatchOptions&lt;FileInfo&gt; { Jobs = jobs, Label = "transcribe", IsDone = f => File.Exists(OutPath(f)) },
///     reporter, ct);
/// result.WriteSummary(stderr);
/// return result.ExitCode;
/// </code>
/// </example>
public static class BatchRunner
{
    /// <summary>Runs <paramref name="work"/> on every item and collects failures.</summary>
    /// <param name="items">The items, in the order their failures should be listed.</param>
    /// <param name="nameOf">Display name of an item for progress and error lines.</param>
    /// <param name="work">The work for one item; throwing marks the item failed.</param>
    /// <param name="options">Parallelism, label and the already-done check.</param>
    /// <param name="reporter">Progress sink; one task advanced once per item.</param>
    /// <param name="cancellationToken">Stops starting new items; running ones see the token.</param>
    public static async Task<BatchResult> RunAsync<T>(
        IReadOnlyList<T> items,
        Func<T, string> nameOf,
        Func<T, CancellationToken, Task> work,
        BatchOptions<T> options,
        IProgressReporter reporter,
        CancellationToken cancellationToken = default)
    {
        if (options.Jobs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"--jobs must be at least 1; got {options.Jobs}");
        }

        var failures = new ConcurrentDictionary<int, BatchFailure>();
        var succeeded = 0;
        var skipped = 0;
        using var task = reporter.Start(options.Label, items.Count);

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Jobs };
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), parallel, async (index, _) =>
            {
                // Checked here rather than through ParallelOptions so that cancelling stops new
                // items without losing the counts of the finished ones.
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                var item = items[index];
                var name = nameOf(item);
                task.Message(TerminalText.Name(name));
                var outcome = await RunOneAsync(item, name, work, options, cancellationToken).ConfigureAwait(false);
                if (outcome.Cancelled)
                {
                    // Stopped by Ctrl-C half-way: not run, rather than failed.
                    return;
                }

                if (outcome.Failure is not null)
                {
                    failures[index] = outcome.Failure;
                }
                else if (outcome.Skipped)
                {
                    Interlocked.Increment(ref skipped);
                }
                else
                {
                    Interlocked.Increment(ref succeeded);
                }

                task.Advance();
            }).ConfigureAwait(false);
        }
        finally
        {
            // Items stopped by Ctrl-C are not counted: the bar's last frame must not say "done".
            bool allCounted = succeeded + skipped + failures.Count == items.Count;
            if (cancellationToken.IsCancellationRequested && !allCounted)
            {
                task.Interrupt();
            }
            else
            {
                task.Finish(failures.Count);
            }
        }

        var ordered = failures.OrderBy(pair => pair.Key).Select(pair => pair.Value).ToList();
        var result = new BatchResult(items.Count, succeeded, skipped, ordered);
        bool interrupted = cancellationToken.IsCancellationRequested && result.NotRun > 0;
        return interrupted ? new BatchResult(items.Count, succeeded, skipped, ordered, interrupted: true) : result;
    }

    private static async Task<(bool Skipped, BatchFailure? Failure, bool Cancelled)> RunOneAsync<T>(
        T item, string name, Func<T, CancellationToken, Task> work, BatchOptions<T> options, CancellationToken ct)
    {
        try
        {
            if (options.IsDone is not null && options.IsDone(item))
            {
                return (true, null, false);
            }

            await work(item, ct).ConfigureAwait(false);
            return (false, null, false);
        }
        catch (Exception ex) when (ex is not Hosting.OutputClosedException &&
                                   (ex is not OperationCanceledException || !ct.IsCancellationRequested))
        {
            // Any exception is this item's failure: the point of a batch is to finish the others.
            return (false, new BatchFailure(name, ErrorLine.OutOfSpace(ex) ?? ex.Message), false);
        }
        catch (OperationCanceledException)
        {
            return (false, null, true);
        }
    }
}
