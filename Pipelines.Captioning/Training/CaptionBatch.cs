using Pipelines.Captioning.Text;
using Rnn.Core;
using Rnn.Core.Losses;

namespace Pipelines.Captioning.Training;

/// <summary>
/// A teacher-forcing batch: image vectors, the word-input grid (&lt;start&gt; then the caption),
/// the targets (the caption then &lt;end&gt;, padding ignored) and each row's sequence length
/// (image step + valid word steps).
/// </summary>
/// <param name="Vectors">[batch, vector] image vectors.</param>
/// <param name="Inputs">[batch * steps] word inputs, &lt;pad&gt; after the end.</param>
/// <param name="Targets">
/// [batch * steps] next words, <see cref="CrossEntropyLoss.DefaultIgnoreIndex"/> after the end.
/// </param>
/// <param name="Lengths">[batch] 2 + caption length.</param>
public sealed record CaptionBatch(Tensor Vectors, int[] Inputs, int[] Targets, int[] Lengths)
{
    /// <summary>Collates examples; captions longer than <paramref name="maxWords"/> are cut.</summary>
    public static CaptionBatch Collate(IReadOnlyList<CaptionExample> examples, FeatureStore store, int maxWords)
    {
        int batch = examples.Count;
        int steps = examples.Max(e => Math.Min(e.Words.Length, maxWords)) + 1;
        var vectors = new float[batch * store.VectorSize];   // [batch, vector]
        var inputs = new int[batch * steps];   // [batch, steps]
        var targets = new int[batch * steps];
        Array.Fill(targets, CrossEntropyLoss.DefaultIgnoreIndex);
        var lengths = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            var e = examples[b];
            store.Vector(e.Row).CopyTo(vectors.AsSpan(b * store.VectorSize));
            int n = Math.Min(e.Words.Length, maxWords);
            inputs[b * steps] = Vocabulary.Start;
            for (int t = 0; t < n; t++)
            {
                inputs[b * steps + t + 1] = e.Words[t];
                targets[b * steps + t] = e.Words[t];
            }

            targets[b * steps + n] = Vocabulary.End;
            lengths[b] = n + 2;
        }

        return new CaptionBatch(Tensor.FromArray(vectors, batch, store.VectorSize), inputs, targets, lengths);
    }
}
