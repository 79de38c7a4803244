using Pipelines.Captioning.Metrics;
using Rnn.Core.Training;

namespace Pipelines.Captioning.Training;

/// <summary>What a caption training run did.</summary>
/// <param name="Training">The trainer's result (steps, epoch summaries, resume).</param>
/// <param name="BestEpoch">0-based epoch whose weights the model now holds; -1 without validation.</param>
/// <param name="Best">Validation scores of that epoch, or null.</param>
/// <param name="StoppedEarly">True when validation BLEU-4 stopped improving before the last epoch.</param>
public sealed record CaptionTrainingResult(TrainingResult? Training, int BestEpoch, CaptionScores? Best,
    bool StoppedEarly);
