using System.Runtime.InteropServices;
using Multimodal.Cli.Hosting;

// Ctrl-C (SIGINT), SIGTERM and a closed terminal (SIGHUP) all cancel the run's token: a verb then
// stops between files, closes its progress bar and prints how far it got (SIGHUP used to kill the
// run outright: exit 129, no summary, lock files left behind). They are handled here rather than by
// the command-line library, whose handler crashed with "An attempt was made to transition a task to
// a final state when it had already completed" when two signals came together (timeout(1) signals
// the process and its group). Later signals change nothing; a run still going 30 s after the first
// is ended, as the library did.
using var stop = new CancellationTokenSource();
int signalled = 0;
void Stop(PosixSignalContext signal)
{
    signal.Cancel = true;
    if (Interlocked.Exchange(ref signalled, 1) == 0)
    {
        stop.Cancel();
        _ = Task.Delay(CliApp.StopGrace).ContinueWith(_ => Environment.Exit(ExitCodes.Interrupted),
            TaskScheduler.Default);
    }
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
return await CliApp.RunAsync(args, CliEnvironment.FromProcess(), stop.Token);
