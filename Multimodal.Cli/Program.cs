using System.Runtime.InteropServices;
using Multimodal.Cli.Hosting;

// Ctrl-C (SIGINT) and SIGTERM stop a verb gracefully through the command-line library; a closed
// terminal (SIGHUP) killed the run outright (exit 129, no summary, lock files left behind), so it
// cancels the same way.
using var hangUp = new CancellationTokenSource();
using var registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
{
    signal.Cancel = true;
    hangUp.Cancel();
});
return await CliApp.RunAsync(args, CliEnvironment.FromProcess(), hangUp.Token);
