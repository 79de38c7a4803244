namespace Multimodal.Cli.Progress;

/// <summary>
/// Where verbs report long work. The CLI picks the rendering (live bar, plain periodic lines,
/// or nothing with <c>--quiet</c>); verbs only say what is happening.
/// </summary>
/// <example>
/// <code>
/// using var task = reporter.Start("transcribe", files.Count);
/// foreach (var file in files)
/// {
///     if (ct.IsCancellationRequested) { task.Interrupt(); break; }
///     task.Message(file.Name); Work(file); task.Advance();
/// }
/// task.Finish();   // ignored after Interrupt
/// </code>
/// </example>
public interface IProgressReporter : IDisposable
{
    /// <summary>
    /// Starts a task of <paramref name="total"/> units; 0 or less means the total is unknown.
    /// <paramref name="done"/> units count as done already (a resumed run): they fill the bar but
    /// not the rate, so the rate and the time left reflect this run's own work.
    /// </summary>
    IProgressTask Start(string name, long total, long done = 0);
}

/// <summary>One unit of long work under an <see cref="IProgressReporter"/>. Thread-safe.</summary>
public interface IProgressTask : IDisposable
{
    /// <summary>Marks <paramref name="amount"/> more units done.</summary>
    void Advance(long amount = 1);

    /// <summary>Sets the status text shown with the task (e.g. the file being worked on).</summary>
    void Message(string text);

    /// <summary>Marks the task complete. Disposing an unfinished task finishes it too.</summary>
    void Finish();

    /// <summary>
    /// Marks the task complete with <paramref name="failed"/> of its units failed: the last line or
    /// frame says so (a live bar in red), where <see cref="Finish()"/> would show a plain full bar.
    /// </summary>
    void Finish(long failed);

    /// <summary>
    /// Marks the task stopped before its end (Ctrl-C): its last line or frame says "interrupted at
    /// N/M" where <see cref="Finish()"/> would say "done", and later calls are ignored.
    /// </summary>
    void Interrupt();

    /// <summary>
    /// Marks the task ended by a failure before its end (a full disk): its last line or frame says
    /// "stopped at N/M", where disposing it unfinished would say "done"; later calls are ignored.
    /// </summary>
    void Stop();
}
