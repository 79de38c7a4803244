using Rnn.Core;

namespace Pipelines.Video.Emotion;

/// <summary>A training batch: face sequences and one label per sequence.</summary>
/// <param name="Faces">[batch, time, 1, side, side], standardised.</param>
/// <param name="Labels">batch class indices.</param>
public sealed record EmotionBatch(Tensor Faces, int[] Labels);
