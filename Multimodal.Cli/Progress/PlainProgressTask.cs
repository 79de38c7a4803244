using System.Globalization;

namespace Multimodal.Cli.Progress;

/// <summary>One task of a <see cref="PlainProgressReporter"/>; decides when a line is due.</summary>
internal sealed class PlainProgressTask : IProgressTask
{
    private readonly PlainProgressReporter _owner;
    private readonly string _name;
    private readonly long _total;
    private readonly TimeProvider _clock;
    private readonly long _startTicks;
    private readonly object _lock = new();
    private long _done;
    private readonly long _doneAtStart;   // units done before this run (a resume): not in the rate
    private long _lastLineTicks;
    private int _lastDecile;
    private string? _message;
    private bool _finished;

    public PlainProgressTask(PlainProgressReporter owner, string name, long total, TimeProvider clock, long done = 0)
    {
        _done = _doneAtStart = Math.Max(0, done);
        _lastDecile = total > 0 ? (int)Math.Min(10, _done * 10 / total) : 0;
        _owner = owner;
        _name = name;
        _total = total;
        _clock = clock;
        _startTicks = clock.GetTimestamp();
        _lastLineTicks = _startTicks;
    }

    public void Advance(long amount = 1)
    {
        string? line;
        lock (_lock)
        {
            if (_finished)
            {
                return;
            }

            _done += amount;
            line = DueLine();
        }

        if (line is not null)
        {
            _owner.WriteLine(line);
        }
    }

    public void Message(string text)
    {
        string? line;
        lock (_lock)
        {
            _message = text;
            line = _finished ? null : DueLine();
        }

        if (line is not null)
        {
            _owner.WriteLine(line);
        }
    }

    public void Finish() => End("done");

    public void Finish(long failed) => End("done", failed);

    public void Interrupt() => End("interrupted at");

    public void Stop() => End("stopped at");

    // The closing line, "NAME: done 7/10 in 2.0 s" (", 3 failed" before " in" when some failed) or
    // "NAME: interrupted at 3/10 in 1.2 s"; once only.
    private void End(string state, long failed = 0)
    {
        string line;
        lock (_lock)
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            var seconds = _clock.GetElapsedTime(_startTicks).TotalSeconds;
            var count = _total > 0 ? $"{_done}/{_total}" : $"{_done}";
            var failures = failed > 0 ? $", {failed} failed" : "";
            line = string.Create(CultureInfo.InvariantCulture,
                $"{_name}: {state} {count}{failures} in {seconds:0.0} s");
        }

        _owner.WriteLine(line);
    }

    public void Dispose() => Finish();

    /// <summary>The status line if a new 10 % step was reached or the interval elapsed; else null.</summary>
    private string? DueLine()
    {
        var now = _clock.GetTimestamp();
        var sinceLast = _clock.GetElapsedTime(_lastLineTicks, now);
        var decile = _total > 0 ? (int)Math.Min(10, _done * 10 / _total) : 0;

        // The 100 % step is left to Finish, which prints the summary line instead.
        var newStep = decile > _lastDecile && decile < 10;
        if (!newStep && sinceLast < PlainProgressReporter.Interval)
        {
            return null;
        }

        _lastDecile = Math.Max(_lastDecile, decile);
        _lastLineTicks = now;
        return StatusLine(_clock.GetElapsedTime(_startTicks, now));
    }

    private string StatusLine(TimeSpan elapsed)
    {
        var inv = CultureInfo.InvariantCulture;
        var rate = elapsed.TotalSeconds > 0 ? (_done - _doneAtStart) / elapsed.TotalSeconds : 0;
        var text = _total > 0
            ? string.Create(inv, $"{_name}: {100.0 * _done / _total:0}% ({_done}/{_total}) {rate:0.##}/s")
            : string.Create(inv, $"{_name}: {_done} done {rate:0.##}/s");

        if (_total > 0 && rate > 0 && _done < _total)
        {
            var eta = TimeSpan.FromSeconds((_total - _done) / rate);
            text += " ETA " + RunRemainingTimeColumn.Format(eta);
        }

        return _message is null ? text : $"{text} - {_message}";
    }
}
