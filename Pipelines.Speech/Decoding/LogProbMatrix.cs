namespace Pipelines.Speech.Decoding;

/// <summary>
/// Per-frame log-probabilities of an acoustic model's CTC output, stored row-major as
/// [time, vocab]: row <c>t</c> holds log p(token | frame t) for every token of the vocabulary.
/// </summary>
/// <remarks>
/// The decoders assume each row is log-normalised (a log-softmax output). Rows that are not
/// still decode, but the confidences and path probabilities then lose their meaning.
/// </remarks>
public readonly struct LogProbMatrix
{
    private readonly float[] _values;

    /// <summary>Wraps <paramref name="values"/> (not copied) as a [time, vocab] matrix.</summary>
    /// <param name="values">time * vocab log-probabilities, row-major.</param>
    /// <param name="time">Number of frames (may be 0).</param>
    /// <param name="vocab">Number of tokens, blank included (at least 1).</param>
    public LogProbMatrix(float[] values, int time, int vocab)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (time < 0 || vocab < 1)
        {
            throw new ArgumentException($"expected time >= 0 and vocab >= 1; got time {time}, vocab {vocab}");
        }

        if ((long)time * vocab != values.Length)
        {
            throw new ArgumentException(
                $"expected time * vocab = {(long)time * vocab} values for [{time}, {vocab}]; got {values.Length}",
                nameof(values));
        }

        _values = values;
        Time = time;
        Vocab = vocab;
    }

    /// <summary>Number of frames.</summary>
    public int Time { get; }

    /// <summary>Number of tokens, blank included.</summary>
    public int Vocab { get; }

    /// <summary>The log-probability of <paramref name="token"/> at <paramref name="frame"/>.</summary>
    public float this[int frame, int token] => _values[frame * Vocab + token];

    /// <summary>All tokens' log-probabilities at <paramref name="frame"/>.</summary>
    public ReadOnlySpan<float> Row(int frame) => _values.AsSpan(frame * Vocab, Vocab);
}
