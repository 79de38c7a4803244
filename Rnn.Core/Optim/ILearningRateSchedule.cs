namespace Rnn.Core.Optim;

/// <summary>
/// Learning rate as a function of the optimizer step. The trainer sets
/// <c>optimizer.LearningRate = schedule.LearningRate(optimizer.StepCount)</c> before each step,
/// so step 0 is the first update. Schedules are pure functions of the step, so a resumed run
/// needs nothing but the step count.
/// </summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate for the update that follows <paramref name="step"/> earlier updates.</summary>
    float LearningRate(long step);
}
