using Rnn.Core.Nn;

namespace Rnn.Core.Recurrent;

/// <summary>Initialisers shared by the built-in cells (conventions: Glorot input, orthogonal recurrent).</summary>
internal static class CellInit
{
    /// <summary>Glorot-uniform input weights [gates*hidden, inputSize].</summary>
    public static Tensor InputWeights(IBackend be, Rng rng, int rows, int inputSize) =>
        Init.GlorotUniform(be, rng, inputSize, rows, rows, inputSize);

    /// <summary>
    /// Recurrent weights [gates*hidden, hidden]: one orthogonal [hidden, hidden] block per gate,
    /// so every gate's recurrent map starts norm-preserving (as Keras does).
    /// </summary>
    public static Tensor RecurrentWeights(IBackend be, Rng rng, int gates, int hidden)
    {
        var data = new float[gates * hidden * hidden];
        for (int g = 0; g < gates; g++)
        {
            Init.Orthogonal(rng, hidden, hidden).CopyTo(data, g * hidden * hidden);
        }

        return be.FromArray(data, new[] { gates * hidden, hidden });
    }

    /// <summary>Zero tensors of [batch, ...shape] for each state shape.</summary>
    public static Tensor[] Zeros(IReadOnlyList<int[]> shapes, int batch, IBackend be)
    {
        var states = new Tensor[shapes.Count];
        for (int i = 0; i < states.Length; i++)
        {
            states[i] = be.Zeros(new[] { batch }.Concat(shapes[i]).ToArray());
        }

        return states;
    }

    public static void CheckSizes(string cell, int inputSize, int hidden, int gates)
    {
        if (inputSize <= 0 || hidden <= 0)
        {
            throw new ArgumentOutOfRangeException(
                inputSize <= 0 ? nameof(inputSize) : nameof(hidden),
                $"{cell} needs positive sizes; got input {inputSize}, hidden {hidden}");
        }

        // Each weight matrix is one tensor, so it must fit in 2^31-1 elements.
        long largest = (long)gates * hidden * Math.Max(hidden, inputSize);
        if (largest > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(
                nameof(hidden),
                $"{cell} with input {inputSize} and hidden {hidden} needs a weight matrix of {largest} elements, " +
                $"over the 2^31-1 a tensor can hold; use a smaller hidden size");
        }
    }

    public static void CheckStates(string cell, Tensor[] states, int count)
    {
        if (states.Length != count)
        {
            throw new ArgumentException($"{cell} takes {count} state tensor(s); got {states.Length}");
        }
    }
}
