namespace Multimodal.Cli.Batch;

/// <summary>How <see cref="BatchRunner"/> runs a batch of <typeparamref name="T"/> items.</summary>
/// <typeparam name="T">The item type, usually a file.</typeparam>
public sealed class BatchOptions<T>
{
    /// <summary>Items worked on at once (<c>--jobs</c>); at least 1.</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>Progress task name, usually the verb.</summary>
    public string Label { get; init; } = "batch";

    /// <summary>
    /// True for an item whose output already exists, so re-running a batch after a crash only
    /// does what is missing. Null runs every item.
    /// </summary>
    public Func<T, bool>? IsDone { get; init; }
}
