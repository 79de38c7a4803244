namespace Rnn.Core.Losses;

/// <summary>How a loss combines its per-element (or per-sample) values.</summary>
public enum Reduction
{
    /// <summary>The average (over non-ignored elements where a loss has an ignore rule).</summary>
    Mean,

    /// <summary>The sum.</summary>
    Sum,

    /// <summary>No reduction: one value per element or sample.</summary>
    None,
}
