using Multimodal.Cli.Hosting;

namespace Multimodal.Cli.Commands;

/// <summary>
/// What a training verb says when Ctrl-C stops it. System.CommandLine ends a cancelled action
/// with exit code 130 and no word, which left the progress bar as the last line; the batch verbs
/// say "interrupted: N of M files done", and a training run now says how to continue.
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
