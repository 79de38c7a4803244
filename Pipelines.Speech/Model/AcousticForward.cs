using Rnn.Core;

namespace Pipelines.Speech.Model;

/// <summary>The training-time result of <see cref="AcousticModel.Forward"/>.</summary>
/// <param name="Logits">[batch, time', vocab] unnormalised scores (CTC takes these).</param>
/// <param name="Lengths">Per sample, its real output frames (&lt;= time').</param>
public sealed record AcousticForward(Tensor Logits, int[] Lengths);
