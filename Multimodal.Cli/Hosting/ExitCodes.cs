namespace Multimodal.Cli.Hosting;

/// <summary>Process exit codes of the <c>multimodal</c> command.</summary>
public static class ExitCodes
{
    /// <summary>Everything asked for was done.</summary>
    public const int Success = 0;

    /// <summary>The work failed, or at least one item of a batch failed.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself was wrong (unknown verb or option, bad value).</summary>
    public const int Usage = 2;

    /// <summary>The run was interrupted (Ctrl-C, SIGINT): 128 + the signal number, as shells report it.</summary>
    public const int Interrupted = 130;
}
