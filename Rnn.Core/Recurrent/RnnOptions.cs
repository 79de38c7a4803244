namespace Rnn.Core.Recurrent;

/// <summary>Options of the generic <see cref="Rnn"/> layer (the Keras RNN arguments).</summary>
public sealed record RnnOptions
{
    /// <summary>
    /// True: output every step, [batch, time, ...]; false (the Keras default): the last valid
    /// step's output, [batch, ...].
    /// </summary>
    public bool ReturnSequences { get; init; }

    /// <summary>
    /// Process the sequence in reverse and return outputs in processing order (as Keras does).
    /// With lengths only the valid part of each sample is reversed (as cuDNN does); with a mask
    /// the whole time axis is reversed.
    /// </summary>
    public bool GoBackwards { get; init; }

    /// <summary>Keep the final states of each call as the initial states of the next (batch must match).</summary>
    public bool Stateful { get; init; }

    /// <summary>Dropout rate on the inputs, one mask per sequence (variational); training only.</summary>
    public float InputDropout { get; init; }

    /// <summary>
    /// Dropout rate on the hidden state fed to the recurrent projection, one mask per sequence
    /// (Gal and Ghahramani, 2016); training only. The carried state itself is not dropped.
    /// </summary>
    public float RecurrentDropout { get; init; }

    /// <summary>Seed of the dropout masks.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>
    /// Use a fused sequence kernel when the cell is a built-in <see cref="LstmCell"/> or
    /// <see cref="GruCell"/>, or a <see cref="ConvLstm2DCell"/> on the CPU backend (every option is
    /// supported there). False forces the step path.
    /// </summary>
    public bool AllowFused { get; init; } = true;

    internal void Validate()
    {
        if (!(InputDropout >= 0f && InputDropout < 1f))   // also refuses NaN
        {
            throw new ArgumentOutOfRangeException(nameof(InputDropout), $"must be in [0, 1); got {InputDropout}");
        }

        if (!(RecurrentDropout >= 0f && RecurrentDropout < 1f))
        {
            throw new ArgumentOutOfRangeException(
                nameof(RecurrentDropout), $"must be in [0, 1); got {RecurrentDropout}");
        }
    }
}
