using Spectre.Console;

namespace Multimodal.Cli.Progress;

/// <summary>
/// Live progress bars on an interactive terminal. Spectre's progress display is callback-shaped
/// (it owns the render loop while a delegate runs), so the display runs on a background task
/// from the first <see cref="Start"/> until <see cref="Dispose"/>, and verbs keep their plain
/// sequential code.
/// </summary>
public sealed class SpectreProgressReporter : IProgressReporter
{
    private readonly IAnsiConsole _console;
    private readonly object _lock = new();
    private readonly TaskCompletionSource _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<ProgressContext>? _context;
    private Task? _display;

    /// <param name="console">The terminal to draw on (the CLI passes one bound to stderr).</param>
    public SpectreProgressReporter(IAnsiConsole console)
    {
        _console = console;
    }

    public IProgressTask Start(string name, long total, long done = 0)
    {
        var context = EnsureDisplay();
        var max = total > 0 ? total : 1;
        var task = context.AddTask(Markup.Escape(name), autoStart: true, maxValue: max);
        task.IsIndeterminate = total <= 0;
        if (done > 0 && total > 0)
        {
            // Spectre's own speed would count these units as done in the first instant; the
            // time-left column times this run from here instead.
            task.Value = Math.Min(done, max);
            task.Tag = new RunRemainingTimeColumn.RunStart(System.Diagnostics.Stopwatch.GetTimestamp(), task.Value);
        }

        return new SpectreProgressTask(task, name);
    }

    public void Dispose()
    {
        _stop.TrySetResult();
        _display?.GetAwaiter().GetResult();
    }

    private ProgressContext EnsureDisplay()
    {
        lock (_lock)
        {
            if (_context is null)
            {
                _context = new TaskCompletionSource<ProgressContext>(
                    TaskCreationOptions.RunContinuationsAsynchronously);
                var ready = _context;
                _display = _console.Progress()
                    .AutoClear(false)
                    .Columns(
                        new TaskDescriptionColumn(),
                        new ProgressBarColumn(),
                        new PercentageColumn(),
                        new RunRemainingTimeColumn(),
                        new SpinnerColumn())
                    .StartAsync(async ctx =>
                    {
                        ready.TrySetResult(ctx);
                        await _stop.Task.ConfigureAwait(false);
                    });
            }
        }

        return _context.Task.GetAwaiter().GetResult();
    }

    private sealed class SpectreProgressTask : IProgressTask
    {
        private readonly ProgressTask _task;
        private readonly string _name;
        private int _ended;

        public SpectreProgressTask(ProgressTask task, string name)
        {
            _task = task;
            _name = name;
        }

        public void Advance(long amount = 1) => _task.Increment(amount);

        public void Message(string text)
        {
            // A message that comes late must not cover "interrupted", nor the plain name after Finish.
            if (Volatile.Read(ref _ended) == 0)
            {
                _task.Description = Markup.Escape($"{_name}: {text}");
            }
        }

        public void Finish() => Finish(0);

        // A batch with failures ends with its name in red and the count: the full bar alone (green)
        // would read as all done well.
        public void Finish(long failed)
        {
            if (Interlocked.Exchange(ref _ended, 1) == 1)
            {
                return;
            }

            if (_task.IsIndeterminate)
            {
                _task.IsIndeterminate = false;
            }

            _task.Value = _task.MaxValue;
            _task.Description = failed > 0
                ? $"[red]{Markup.Escape($"{_name}: {failed} failed")}[/]"
                : Markup.Escape(_name);
            _task.StopTask();
        }

        // The bar stays where the work stopped; a full bar would say it was all done.
        public void Interrupt() => EndShort("interrupted");

        public void Stop() => EndShort("stopped");

        private void EndShort(string why)
        {
            if (Interlocked.Exchange(ref _ended, 1) == 1)
            {
                return;
            }

            _task.IsIndeterminate = false;
            _task.Description = Markup.Escape($"{_name}: {why}");
            _task.StopTask();
        }

        public void Dispose() => Finish();
    }
}
