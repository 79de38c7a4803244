using Rnn.Core;
using Rnn.Core.Losses;

namespace Pipelines.Video.Emotion;

/// <summary>
/// Class-weighted softmax cross-entropy over every step of every sequence: each step must name
/// the clip's emotion from the frames seen so far, so the first step (a single frame) is
/// trained as hard as the last. Weights counter FER-2013's imbalance (disgust is ~1.5% of it).
/// </summary>
public static class EmotionLoss
{
    /// <summary>
    /// Per-class weights (n_total / (classes * n_c))^power, normalised to a mean of 1 over the
    /// faces; power 1 is full inverse-frequency balancing, 0 is none, 0.5 sits between (full
    /// balancing over-predicts the rare class and costs overall accuracy).
    /// </summary>
    public static float[] ClassWeights(int[] counts, double power)
    {
        double total = counts.Sum();
        var w = new double[counts.Length];
        for (int c = 0; c < counts.Length; c++)
        {
            w[c] = counts[c] > 0 ? Math.Pow(total / (counts.Length * (double)counts[c]), power) : 0;
        }

        double meanOverFaces = counts.Select((n, c) => n * w[c]).Sum() / Math.Max(total, 1);
        return w.Select(v => (float)(v / meanOverFaces)).ToArray();
    }

    /// <summary>The weighted mean loss of logits [batch, time, classes] against one label per sequence.</summary>
    public static Tensor Compute(Tensor logits, int[] labels, float[] classWeights, float labelSmoothing = 0f)
    {
        int batch = logits.Dim(0), time = logits.Dim(1), classes = logits.Dim(2);
        var targets = new int[batch * time];
        var weights = new float[batch * time];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < time; t++)
            {
                targets[b * time + t] = labels[b];
                weights[b * time + t] = classWeights[labels[b]];
            }
        }

        var flat = Ops.Reshape(logits, batch * time, classes);
        var each = CrossEntropyLoss.Compute(flat, targets, labelSmoothing, reduction: Reduction.None);   // [batch*time]
        var w = Tensor.FromArray(weights, batch * time);
        return Ops.Scale(Ops.Sum(Ops.Mul(each, w)), 1f / Math.Max(weights.Sum(), 1e-6f));
    }
}
