using Rnn.Core;

namespace Pipelines.Video.Prediction;

/// <summary>
/// Scheduled sampling for the closed-loop forecaster (Bengio et al., 2015): during training the
/// forecaster reads the true previous frame with <paramref name="Probability"/> and its own
/// prediction otherwise; lowering the probability to 0 over training ends with the inputs it
/// will see in use. Without it the forecaster's early blank guesses feed it nothing to learn from.
/// </summary>
/// <param name="Future">The true future frames, [batch, N, channels, size, size].</param>
/// <param name="Probability">Chance per step of reading the truth, in [0, 1].</param>
/// <param name="Rng">Draws the choices (tracked in checkpoints so a resumed run draws the same).</param>
public sealed record TeacherForcing(Tensor Future, float Probability, Rng Rng);
