using Multimodal.Cli.Hosting;

namespace Multimodal.Cli.Commands;

/// <summary>
/// What a training verb says when Ctrl-C stops it; the batch verbs say "interrupted: N of M files
/// done", and a training run says how to continue. The verbs start the run with Task.Run:
/// System.CommandLine puts its Ctrl-C handler in place only once the action has returned its
/// task, so a run that worked before returning one was simply killed by the signal (exit 130,
/// the progress bar the last line).
/// </summary>
internal static class TrainingInterrupt
{
    /// <summary>
    /// Runs <paramref name="run"/>; when it stops because <paramref name="cancellation"/> was
    /// cancelled, writes "interrupted: VERB stopped; HOW" to stderr and returns the interrupted exit code.
    /// </summary>
    public static int Run(CliContext context, string verb, string howToContinue, CancellationToken cancellation,
        Func<int> run)
    {
        try
        {
            return run();
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            context.Environment.Error.WriteLine($"interrupted: {verb} stopped; {howToContinue}");
            return ExitCodes.Interrupted;
        }
    }
}
