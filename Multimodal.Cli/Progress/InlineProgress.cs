namespace Multimodal.Cli.Progress;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its action on the reporting thread, in order.
/// <see cref="Progress{T}"/> posts to the thread pool instead: a bar would see counts late or out
/// of order, and an exception thrown by the action (the Ctrl-C stop of the eval verbs) would not
/// reach the work that reported.
/// </summary>
/// <param name="report">Called with each value.</param>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc />
    public void Report(T value) => report(value);
}
