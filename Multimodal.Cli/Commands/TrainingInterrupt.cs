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
            var saved = new CheckpointStore(checkpointDirectory).List();
            string how = saved.Count > 0
                ? $"rerun the same command with --resume to continue from its last checkpoint (step {saved[^1].Step})"
                : "no checkpoint was saved yet, so the same command starts over";
            context.Environment.Error.WriteLine($"interrupted: {verb} stopped; {how}");
            return ExitCodes.Interrupted;
        }
    }
}
