using Multimodal.Cli.Hosting;

namespace Multimodal.Cli.Batch;

/// <summary>What a batch run did: counts and the failures, in input order.</summary>
public sealed class BatchResult
{
    public BatchResult(
        int total, int succeeded, int skipped, IReadOnlyList<BatchFailure> failures, bool interrupted = false)
    {
        Total = total;
        Succeeded = succeeded;
        Skipped = skipped;
        Failures = failures;
        Interrupted = interrupted;
    }

    /// <summary>True when the run was cancelled (Ctrl-C) before every item was done.</summary>
    public bool Interrupted { get; }

    /// <summary>Number of items given.</summary>
    public int Total { get; }

    /// <summary>Items whose work ran and returned normally.</summary>
    public int Succeeded { get; }

    /// <summary>Items skipped because their output was already there.</summary>
    public int Skipped { get; }

    /// <summary>Items whose work threw, in input order.</summary>
    public IReadOnlyList<BatchFailure> Failures { get; }

    /// <summary>Items not run because the batch was cancelled.</summary>
    public int NotRun => Total - Succeeded - Skipped - Failures.Count;

    /// <summary>
    /// <see cref="ExitCodes.Interrupted"/> when cancelled, <see cref="ExitCodes.Failure"/> if any
    /// item failed or did not run, else success.
    /// </summary>
    public int ExitCode => Interrupted ? ExitCodes.Interrupted
        : Failures.Count > 0 || NotRun > 0 ? ExitCodes.Failure : ExitCodes.Success;

    /// <summary>
    /// Writes one "error: item: reason" line per failure and a closing count line, so the failures
    /// are together at the end of a long log rather than scattered through it. After Ctrl-C the
    /// count line says so: "interrupted: 3 of 10 files done (...)".
    /// </summary>
    public void WriteSummary(TextWriter error)
    {
        foreach (var failure in Failures)
        {
            ErrorLine.Write(error, failure.Item, failure.Reason);
        }

        var line = $"{Succeeded} succeeded, {Failures.Count} failed, {Skipped} skipped";
        if (Interrupted)
        {
            int done = Succeeded + Failures.Count + Skipped;
            error.WriteLine($"interrupted: {done} of {Total} files done ({line})");
            return;
        }

        error.WriteLine(NotRun > 0 ? $"{line}, {NotRun} not run (cancelled)" : line);
    }
}
