namespace Multimodal.Cli.Progress;

/// <summary>
/// Progress for logs and pipes: one line when a task starts, a line each time it passes another
/// 10 % or 5 s have gone by since its last line, and a summary line when it finishes.
/// </summary>
public sealed class PlainProgressReporter : IProgressReporter
{
    private readonly TextWriter _writer;
    private readonly TimeProvider _clock;
    private readonly object _writeLock = new();

    /// <param name="writer">Where lines go; the CLI passes stderr so stdout stays results only.</param>
    /// <param name="clock">Time source for rates, ETAs and the 5 s cadence.</param>
    public PlainProgressReporter(TextWriter writer, TimeProvider clock)
    {
        _writer = writer;
        _clock = clock;
    }

    /// <summary>Longest silence between two lines of a task that is still advancing.</summary>
    public static TimeSpan Interval { get; } = TimeSpan.FromSeconds(5);

    public IProgressTask Start(string name, long total, long done = 0)
    {
        var task = new PlainProgressTask(this, name, total, _clock, done);
        WriteLine(done > 0
            ? $"{name}: started at {done}/{(total > 0 ? total : "?")}"
            : total > 0 ? $"{name}: started, {total} to do" : $"{name}: started");
        return task;
    }

    public void Dispose()
    {
    }

    internal void WriteLine(string line)
    {
        // Tasks of a parallel batch report from several threads; whole lines must not interleave.
        lock (_writeLock)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }
}
