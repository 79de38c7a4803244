namespace Multimodal.Cli.Batch;

/// <summary>One item of a batch that failed, and why.</summary>
/// <param name="Item">The item's display name (usually its path).</param>
/// <param name="Reason">The error message, one line.</param>
public sealed record BatchFailure(string Item, string Reason);
