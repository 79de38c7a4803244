namespace Multimodal.Cli.Progress;

/// <summary>
/// Turns a fraction done (0..1) into whole percent steps of a progress task of 100 units: the bar of
/// a single long input (a recording being transcribed, a video being analysed), whose batch bar would
/// sit at 0 of 1 until the end. Reports come from one thread, in order.
/// </summary>
/// <param name="task">A task started with a total of 100.</param>
internal sealed class PercentProgress(IProgressTask task) : IProgress<double>
{
    private long _reported;

    /// <inheritdoc />
    public void Report(double value)
    {
        long percent = (long)Math.Clamp(Math.Round(value * 100), 0, 100);
        if (percent > _reported)
        {
            task.Advance(percent - _reported);
            _reported = percent;
        }
    }
}
