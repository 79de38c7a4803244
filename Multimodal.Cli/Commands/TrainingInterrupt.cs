using Multimodal.Cli.Hosting;
using Rnn.Core.Training;

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
    /// HOW depends on <paramref name="checkpointDirectory"/>: with a checkpoint in it, rerun with
    /// --resume from its step; without one (stopped before the first save), a rerun starts over.
    /// </summary>
    public static int Run(CliContext context, string verb, string checkpointDirectory, CancellationToken cancellation,
        Func<int> run)
    {
        try
        {
            return run();
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            context.Environment.Error.WriteLine($"interrupted: {verb} stopped; {HowToContinue(checkpointDirectory)}");
            return ExitCodes.Interrupted;
        }
    }

    // The step a --resume would continue from: the newest readable checkpoint's, as the resume
    // itself picks it (not the highest-numbered file: a damaged one that this run resumed past
    // is still in the folder under a later step).
    private static string HowToContinue(string checkpointDirectory)
    {
        try
        {
            return new CheckpointStore(checkpointDirectory).LoadLatest() is { } latest
                ? "rerun the same command with --resume to continue from its last checkpoint " +
                  $"(step {latest.Checkpoint.Step})"
                : "no checkpoint was saved yet, so the same command starts over";
        }
        catch (InvalidDataException)
        {
            return "no checkpoint in it can be read, so rerun the same command without --resume to start over";
        }
    }
}
