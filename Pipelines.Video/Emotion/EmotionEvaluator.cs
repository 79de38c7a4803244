using Rnn.Core;

namespace Pipelines.Video.Emotion;

/// <summary>
/// Scores a model on labelled faces. With <c>frames = 1</c> each face is a one-frame clip with
/// no augmentation (the FER-2013 protocol); with more frames each face becomes a seeded
/// augmented clip (<see cref="FaceSequenceAugmenter"/>) and the last step's label counts.
/// </summary>
public static class EmotionEvaluator
{
    /// <summary>Evaluates; <paramref name="progress"/> gets the number of faces done.</summary>
    /// <param name="model">The model.</param>
    /// <param name="faces">Labelled faces of the model's side.</param>
    /// <param name="frames">Clip length per face.</param>
    /// <param name="seed">Augmentation seed when frames &gt; 1.</param>
    /// <param name="batchSize">Faces per forward pass.</param>
    /// <param name="progress">Optional count of faces done.</param>
    /// <param name="mirror">Average with the mirrored faces (see <see cref="EmotionModel.Predict"/>).</param>
    /// <param name="shift">Also average the faces moved this many pixels each way (0: not).</param>
    public static EmotionMetrics Evaluate(
        EmotionModel model, IReadOnlyList<FaceSample> faces, int frames = 1, ulong seed = 1, int batchSize = 128,
        IProgress<int>? progress = null, bool mirror = false, int shift = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        int area = model.Side * model.Side;
        var augmenter = new FaceSequenceAugmenter(model.Side);
        var rng = new Rng(seed);
        var pairs = new List<(int, int)>(faces.Count);
        for (int start = 0; start < faces.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, faces.Count - start);
            var data = new float[n * frames * area];   // [n, frames, 1, side, side]
            for (int i = 0; i < n; i++)
            {
                var face = faces[start + i];
                var dest = data.AsSpan(i * frames * area, frames * area);
                if (frames == 1)
                {
                    FaceNormalizer.Standardize(face.Pixels, dest);
                }
                else
                {
                    augmenter.Make(face.Pixels, frames, rng, dest);
                }
            }

            var probs = model.Predict(data, n, frames, mirror, shift);
            for (int i = 0; i < n; i++)
            {
                pairs.Add((faces[start + i].Label, ArgMax(probs[i * frames + frames - 1])));
            }

            progress?.Report(start + n);
        }

        return EmotionMetrics.From(model.Labels, pairs);
    }

    /// <summary>Index of the largest value (the first on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
