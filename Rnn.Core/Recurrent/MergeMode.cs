namespace Rnn.Core.Recurrent;

/// <summary>How <see cref="Bidirectional"/> combines the forward and backward outputs.</summary>
public enum MergeMode
{
    /// <summary>Joined on the last axis: [..., 2*features].</summary>
    Concat,

    /// <summary>Element-wise sum.</summary>
    Sum,

    /// <summary>Element-wise mean.</summary>
    Average,

    /// <summary>Element-wise product.</summary>
    Multiply,
}
