using Rnn.Core;

namespace Pipelines.Video.Training;

/// <summary>A batch of sequences split into what the model reads and what it must predict.</summary>
/// <param name="Context">[batch, K, channels, size, size] in [0, 1].</param>
/// <param name="Future">[batch, N, channels, size, size] in [0, 1].</param>
public sealed record VideoBatch(Tensor Context, Tensor Future);
