namespace Rnn.Core.Nn;

/// <summary>
/// Lookup table of vectors: token ids [n] -> [n, dim]. Parameter "weight" is [vocab, dim].
/// Ids equal to <see cref="PaddingIndex"/> give a zero vector that receives no gradient.
/// </summary>
public sealed class Embedding : Module
{
    public Embedding(int vocab, int dim, Rng rng, int? paddingIndex = null, IBackend? backend = null)
    {
        if (vocab <= 0 || dim <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(vocab), $"Embedding needs positive sizes; got {vocab} x {dim}");
        }

        var be = backend ?? Backends.Default;
        Vocab = vocab;
        Dim = dim;
        PaddingIndex = paddingIndex;
        var table = rng.Normal(be, 1f / MathF.Sqrt(dim), vocab, dim);
        if (paddingIndex is { } pad)
        {
            be.Fill(table.Slice(pad * dim, dim), 0f);
        }

        Weight = AddParameter("weight", table);
    }

    public int Vocab { get; }

    public int Dim { get; }

    public int? PaddingIndex { get; }

    /// <summary>[vocab, dim].</summary>
    public Parameter Weight { get; }

    /// <summary>Looks up ids (flattened), returning [ids.Length, dim].</summary>
    public Tensor Forward(int[] ids)
    {
        var picked = new int[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)Vocab)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(ids), $"token id {ids[i]} at position {i} is outside the vocabulary [0, {Vocab})");
            }

            picked[i] = ids[i];
        }

        var y = Ops.Gather(Weight.Value, picked);    // [n, dim]
        if (PaddingIndex is not { } pad || !ids.Contains(pad))
        {
            return y;
        }

        // Zero the padding rows with a mask so they pass no gradient to the table.
        var mask = new float[ids.Length * Dim];
        for (int i = 0; i < ids.Length; i++)
        {
            if (ids[i] != pad)
            {
                mask.AsSpan(i * Dim, Dim).Fill(1f);
            }
        }

        return Ops.ApplyMask(y, y.Backend.FromArray(mask, y.Shape), 0.5f, 1f);
    }

    /// <summary>Looks up a [batch, time] id grid, returning [batch, time, dim].</summary>
    public Tensor Forward(int[] ids, int batch, int time) => Ops.Reshape(Forward(ids), batch, time, Dim);
}
