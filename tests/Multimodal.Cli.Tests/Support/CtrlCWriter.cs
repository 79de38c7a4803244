namespace Multimodal.Cli.Tests.Support;

/// <summary>
/// Captured stderr that "presses Ctrl-C" (cancels its token) when a line containing
/// <paramref name="trigger"/> is written, e.g. the plain progress line "(1/2)": a run can so be
/// stopped after its first item, at a known point, without timing.
/// </summary>
internal sealed class CtrlCWriter(string trigger) : StringWriter
{
    private readonly CancellationTokenSource _ctrlC = new();

    /// <summary>The token the run is given.</summary>
    public CancellationToken Token => _ctrlC.Token;

    public override void WriteLine(string? value)
    {
        base.WriteLine(value);
        if (value is not null && value.Contains(trigger, StringComparison.Ordinal))
        {
            _ctrlC.Cancel();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ctrlC.Dispose();
        }

        base.Dispose(disposing);
    }
}
